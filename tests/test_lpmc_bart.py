"""LP-MusicCaps: upstream conformance (../shared fixture), strict checkpoint loading, search, captions."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from transformers.modeling_outputs import BaseModelOutput

from lpmc import parallel
from lpmc.captioning.lp_music_caps import search
from lpmc.captioning.lp_music_caps.checkpoint import build_model, load_checkpoint, load_lp_music_caps
from lpmc.captioning.lp_music_caps.frontend import (
    CHUNK_SAMPLES,
    N_CTX,
    SAMPLE_RATE,
    Spectrogram,
    mel_filterbank,
)
from lpmc.captioning.lp_music_caps.search import CachedDecoder
from lpmc.errors import AudioError, ModelUnavailable
from lpmc.tasks import AudioCaptioner

TINY_VOCAB_SIZE = 300
TINY = {
    "bart_config": {
        "d_model": 32,
        "encoder_layers": 1,
        "decoder_layers": 2,
        "encoder_attention_heads": 4,
        "decoder_attention_heads": 4,
        "encoder_ffn_dim": 64,
        "decoder_ffn_dim": 64,
        "vocab_size": TINY_VOCAB_SIZE,
        "init_std": 0.5,
    }
}
TIED_KEYS = [
    "bart.model.shared.weight",
    "bart.model.encoder.embed_tokens.weight",
    "bart.model.decoder.embed_tokens.weight",
    "bart.lm_head.weight",
]


# ---------------------------------------------------------------- conformance with upstream (../shared)


@pytest.fixture(scope="module")
def fixture_dir(shared_dir):
    path = shared_dir / "reference" / "lpmc_small"
    if not (path / "ckpt.pth").is_file():
        pytest.skip("the lpmc_small fixture is not in ../shared")
    return path


@pytest.fixture(scope="module")
def small(fixture_dir):
    """The fixture's upstream checkpoint loaded with our loader, and its input chunks."""
    config = json.loads((fixture_dir / "config.json").read_text())
    model = load_checkpoint(fixture_dir / "ckpt.pth", config)
    return model, torch.from_numpy(np.load(fixture_dir / "audio.npy"))


def expected(fixture_dir, name: str) -> torch.Tensor:
    return torch.from_numpy(np.load(fixture_dir / f"{name}.npy"))


def test_front_end_and_encoder_match_upstream(small, fixture_dir):
    model, audio = small
    with torch.inference_mode():
        mel = model.audio_encoder.mel_encoder(audio)
        audio_embs = model.audio_encoder(audio)
    # The README suggests 1e-2 dB for mel; ours is the same op sequence, so 1e-4 dB holds (measured: 0).
    torch.testing.assert_close(mel, expected(fixture_dir, "mel"), atol=1e-4, rtol=0)
    torch.testing.assert_close(audio_embs, expected(fixture_dir, "audio_embs"), atol=1e-4, rtol=0)
    torch.testing.assert_close(model.encode(audio), expected(fixture_dir, "enc"), atol=1e-4, rtol=0)


def test_decoder_logits_match_upstream(small, fixture_dir):
    """Teacher-forced logits, through transformers' forward and through our cached one-token steps."""
    model, _ = small
    enc, ids = expected(fixture_dir, "enc"), expected(fixture_dir, "greedy_ids")[:, :4]
    reference = expected(fixture_dir, "dec_logits")
    with torch.inference_mode():
        logits = model.bart(encoder_outputs=(enc,), decoder_input_ids=ids).logits
        decoder = CachedDecoder(model.bart, enc, beams=1, max_length=ids.shape[1])
        stepped = torch.stack([decoder.logits(decoder.step(ids[:, i])) for i in range(ids.shape[1])], dim=1)
    torch.testing.assert_close(logits, reference, atol=1e-4, rtol=0)
    torch.testing.assert_close(stepped, reference, atol=1e-4, rtol=0)


@pytest.mark.parametrize(("num_beams", "name"), [(1, "greedy_ids"), (5, "beam5_ids")])
def test_generated_ids_match_upstream_exactly(small, fixture_dir, num_beams, name):
    model, audio = small
    ids = model.generate_ids(audio, num_beams=num_beams, max_length=32, min_length=2)
    assert torch.equal(ids, expected(fixture_dir, name))


def test_fixture_buffers_are_what_we_compute(small):
    """The filterbank and Hann window we build for a fresh model are upstream's, bit for bit."""
    model, _ = small
    mel_encoder = model.audio_encoder.mel_encoder
    assert torch.equal(mel_filterbank(), mel_encoder.mel_scale.fb)
    assert torch.equal(Spectrogram().window, mel_encoder.spec_fn.window)


# ---------------------------------------------------------------- front end without the fixture


def test_filterbank_is_htk_without_normalisation():
    """Triangles between HTK-mel-spaced points, peak 1 (no Slaney area normalisation), in float64."""
    hz = 700.0 * (10 ** (np.linspace(0, 2595.0 * np.log10(1 + 8000 / 700), 130) / 2595) - 1)
    freqs = np.linspace(0, 8000, 513)[:, None]
    rising = (freqs - hz[:-2]) / (hz[1:-1] - hz[:-2])
    falling = (hz[2:] - freqs) / (hz[2:] - hz[1:-1])
    triangles = np.maximum(0, np.minimum(rising, falling))
    np.testing.assert_allclose(mel_filterbank().numpy(), triangles, atol=5e-5)


def test_power_is_the_squared_real_part_of_the_stft():
    """Upstream's quirk: Re(X)^2, not |X|^2, of a centred, reflect-padded, periodic-Hann STFT."""
    audio = torch.from_numpy(np.random.default_rng(0).standard_normal(16000).astype(np.float32))
    power = Spectrogram()(audio[None])[0]
    padded = np.pad(audio.numpy().astype(np.float64), 512, mode="reflect")
    window = np.hanning(1025)[:-1]  # periodic Hann
    frame = 7
    spectrum = np.fft.rfft(padded[frame * 160 : frame * 160 + 1024] * window)
    assert power.shape == (513, 101)
    np.testing.assert_allclose(power[:, frame].numpy(), spectrum.real**2, rtol=1e-3, atol=1e-3)


# ---------------------------------------------------------------- full-size checkpoint, strict loading


@pytest.fixture(scope="module")
def full_size_checkpoint(tmp_path_factory):
    """A bart-base-size checkpoint laid out as upstream's: {"state_dict", "epoch"}, 4 keys on one tensor."""
    torch.manual_seed(0)
    state = build_model().state_dict()
    state["bart.final_logits_bias"] = torch.randn(1, state["bart.final_logits_bias"].shape[1])
    path = tmp_path_factory.mktemp("lpmc") / "transfer.pth"
    torch.save({"state_dict": state, "epoch": 7}, path)
    return path, {key: tuple(value.shape) for key, value in state.items()}


def test_full_size_checkpoint_loads_strictly(full_size_checkpoint):
    path, _ = full_size_checkpoint
    saved = torch.load(path, weights_only=True)["state_dict"]
    assert len({saved[key].data_ptr() for key in TIED_KEYS}) == 1  # saved once, as upstream's files
    model = load_checkpoint(path)
    loaded = model.state_dict()
    assert loaded.keys() == saved.keys()
    for key in ("bart.final_logits_bias", "bart.model.shared.weight", "audio_encoder.conv_stack.4.weight"):
        assert torch.equal(loaded[key], saved[key])
    assert model.bart.lm_head.weight is model.bart.model.shared.weight  # still tied after loading
    assert model.encode(torch.zeros(1, CHUNK_SAMPLES)).shape == (1, N_CTX, 768)


def test_full_size_keys_and_shapes_match_the_published_checkpoints(full_size_checkpoint, shared_dir):
    _, shapes = full_size_checkpoint
    listed = {}
    for line in (shared_dir / "reference" / "lpmc_state_dict_keys.txt").read_text().splitlines():
        key, dims = line.split()
        listed[key] = tuple(int(d) for d in dims.split("x"))
    assert len(listed) == 278
    assert shapes == listed


def test_a_checkpoint_with_a_missing_key_is_refused(tmp_path):
    state = build_model(TINY).state_dict()
    del state["audio_encoder.conv1.bias"]
    torch.save({"state_dict": state, "epoch": 0}, tmp_path / "bad.pth")
    with pytest.raises(RuntimeError, match="conv1.bias"):
        load_checkpoint(tmp_path / "bad.pth", TINY)


# ---------------------------------------------------------------- search semantics without the fixture


@pytest.fixture(scope="module")
def tiny():
    """A tiny random model whose rows end at different lengths (EOS made likelier), and 4 chunks."""
    torch.manual_seed(0)
    model = build_model(TINY)
    with torch.no_grad():
        model.bart.final_logits_bias[0, search.EOS_ID] = 3.5
    rng = np.random.default_rng(0)
    chunks = rng.standard_normal((4, CHUNK_SAMPLES)) * np.array([0.01, 0.1, 0.5, 1.0])[:, None]
    return model, torch.from_numpy(chunks.astype(np.float32))


@pytest.mark.parametrize("num_beams", [1, 5])
def test_search_equals_transformers_generate_with_the_bart_base_settings(tiny, num_beams):
    """transformers' own generate (eager attention), given the settings 4.26.1 read from the config."""
    model, chunks = tiny
    ids = model.generate_ids(chunks, num_beams=num_beams, max_length=40)
    model.bart.set_attn_implementation("eager")
    try:
        with torch.no_grad():
            enc = model.bart.model.encoder(inputs_embeds=model.audio_encoder(chunks)).last_hidden_state
            reference = model.bart.generate(
                decoder_input_ids=torch.full((len(chunks), 1), 2),
                encoder_outputs=BaseModelOutput(last_hidden_state=enc),
                max_length=40,
                min_length=2,
                num_beams=num_beams,
                no_repeat_ngram_size=3,
                early_stopping=True,
                forced_bos_token_id=0,
                forced_eos_token_id=2,
                length_penalty=1.0,
            )
    finally:
        model.bart.set_attn_implementation("sdpa")
    assert torch.equal(ids, reference)
    lengths = (ids != search.PAD_ID).sum(dim=1)
    assert len(set(lengths.tolist())) > 1  # rows finish at different steps: EOS, padding and max_length paths
    assert (ids[:, :2] == torch.tensor([2, 0])).all()


def test_no_trigram_repeats_and_forced_tokens(tiny):
    model, chunks = tiny
    for row in model.generate_ids(chunks, num_beams=5, max_length=40).tolist():
        tokens = row[: row.index(2, 1) + 1] if 2 in row[1:] else row
        trigrams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
        assert len(trigrams) == len(set(trigrams))
        assert len(row) <= 40


@pytest.mark.parametrize("num_beams", [1, 5])
def test_chunks_searched_by_workers_give_the_ids_of_one_search(tiny, num_beams, monkeypatch):
    """Under OMP_WAIT_POLICY=PASSIVE, generate_ids splits the chunks between single-threaded workers."""
    model, chunks = tiny
    monkeypatch.setattr(parallel, "workers", lambda: 1)
    together = model.generate_ids(chunks, num_beams=num_beams, max_length=40)
    monkeypatch.setattr(parallel, "workers", lambda: 3)  # groups of 2, 1 and 1 chunks
    apart = model.generate_ids(chunks, num_beams=num_beams, max_length=40)
    assert torch.equal(apart, together)


# ---------------------------------------------------------------- captions end to end


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character map used by byte-level BPE."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            chars[byte] = chr(byte)
        else:
            chars[byte] = chr(256 + extra)
            extra += 1
    return chars


CLEAN_UP = [
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
]


def byte_level_decode(tokens: list[str]) -> str:
    """What BartTokenizer.decode(skip_special_tokens=True) returned in transformers 4.26.1, written out."""
    to_byte = {char: byte for byte, char in bytes_to_unicode().items()}
    text = "".join(t for t in tokens if t not in ("<s>", "<pad>", "</s>", "<unk>", "<mask>"))
    text = bytes(to_byte[char] for char in text).decode("utf-8", errors="replace")
    for before, after in CLEAN_UP:
        text = text.replace(before, after)
    return text.strip()


def write_tiny_tokenizer(folder):
    """A byte-level BPE vocab.json/merges.txt in bart-base's format: specials 0-3, bytes, a few merges."""
    tokens = ["<s>", "<pad>", "</s>", "<unk>"] + list(bytes_to_unicode().values())
    merges = [("Ġ", "c"), ("Ġc", "a"), ("Ġca", "l"), ("Ġcal", "m"), ("Ġ", "p"), ("Ġp", "i"), ("Ġpi", "a")]
    tokens += ["".join(pair) for pair in merges]
    tokens += [f"<extra_{i}>" for i in range(TINY_VOCAB_SIZE - len(tokens) - 1)] + ["<mask>"]
    vocab = {token: i for i, token in enumerate(tokens)}
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text(
        "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8"
    )
    return folder / "vocab.json", folder / "merges.txt"


@pytest.fixture(scope="module")
def captioner(tiny, tmp_path_factory):
    model, _ = tiny
    folder = tmp_path_factory.mktemp("tiny_lpmc")
    vocab, merges = write_tiny_tokenizer(folder)
    torch.save({"state_dict": model.state_dict(), "epoch": 0}, folder / "ckpt.pth")
    (folder / "config.json").write_text(json.dumps(TINY))
    files = {"checkpoint": folder / "ckpt.pth", "vocab": vocab, "merges": merges}
    loaded = load_lp_music_caps({**files, "config": folder / "config.json"})
    return loaded, vocab, merges


def test_tokenizer_round_trips_text(captioner):
    loaded, _, _ = captioner
    ids = loaded.tokenizer(" calm piano")["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2
    assert loaded.tokenizer.decode(ids, skip_special_tokens=True) == " calm piano"


def test_caption_decodes_the_generated_ids(captioner, tiny, monkeypatch):
    loaded, vocab, merges = captioner
    model, chunks = tiny
    monkeypatch.setenv("LPMC_CAPTION_BATCH_SIZE", str(3))  # 4 chunks: batches of 3 and 1
    captions = loaded.caption(chunks.numpy(), num_beams=5, max_length=40)
    ids = model.generate_ids(chunks, num_beams=5, max_length=40)
    tokens = {i: token for token, i in json.loads(vocab.read_text(encoding="utf-8")).items()}
    assert captions == [byte_level_decode([tokens[i] for i in row]) for row in ids.tolist()]
    assert not any(special in c for c in captions for special in ("<s>", "</s>", "<pad>", "<mask>"))
    assert any(captions)


@pytest.mark.parametrize(
    "chunks",
    [np.zeros((2, 16000)), np.zeros(CHUNK_SAMPLES), np.full((1, CHUNK_SAMPLES), np.nan)],
)
def test_caption_refuses_bad_chunks(captioner, chunks):
    loaded, _, _ = captioner
    with pytest.raises(AudioError):
        loaded.caption(chunks)


def test_caption_chunks_captions_the_padded_chunks_in_batches(captioner):
    """The task protocol: chunk i is the 10 s from analysis.chunk(i).start, the tail zero-padded; chunks are
    read in order, as analysed."""
    loaded, _, _ = captioner
    assert isinstance(loaded, AudioCaptioner)
    audio = (0.3 * np.random.default_rng(1).standard_normal(25 * SAMPLE_RATE)).astype(np.float32)
    bounds = [(0.0, 10.0), (10.0, 20.0), (20.0, 25.0)]
    chunks = [SimpleNamespace(start=start, end=end) for start, end in bounds]
    analysis = SimpleNamespace(iter_chunks=lambda: iter(chunks))
    groups = list(loaded.caption_chunks(audio, analysis, batch_size=2))
    assert [len(group) for group in groups] == [2, 1]
    tail = np.zeros(CHUNK_SAMPLES, np.float32)
    tail[: 5 * SAMPLE_RATE] = audio[2 * CHUNK_SAMPLES :]
    chunks = np.stack([audio[:CHUNK_SAMPLES], audio[CHUNK_SAMPLES : 2 * CHUNK_SAMPLES], tail])
    assert groups[0] + groups[1] == loaded.caption(chunks)
    with pytest.raises(AudioError, match="mono"):
        next(loaded.caption_chunks(np.stack([audio, audio], axis=1), analysis, batch_size=2))


def test_loader_refuses_a_corrupt_checkpoint(tmp_path, captioner):
    _, vocab, merges = captioner
    (tmp_path / "ckpt.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(ModelUnavailable, match="not a readable LP-MusicCaps checkpoint"):
        load_lp_music_caps({"checkpoint": tmp_path / "ckpt.pth", "vocab": vocab, "merges": merges})


def test_loader_refuses_broken_tokenizer_files(tmp_path, captioner):
    _, vocab, _ = captioner
    (tmp_path / "merges.txt").write_text("#version: 0.2\nnot-a-merge-rule\n", encoding="utf-8")
    (tmp_path / "vocab.json").write_text("{not json", encoding="utf-8")
    files = {"checkpoint": tmp_path / "ckpt.pth", "vocab": tmp_path / "vocab.json", "merges": vocab}
    torch.save({"state_dict": build_model(TINY).state_dict(), "epoch": 0}, files["checkpoint"])
    (tmp_path / "config.json").write_text(json.dumps(TINY))
    with pytest.raises(ModelUnavailable, match="tokenizer files"):
        load_lp_music_caps({**files, "config": tmp_path / "config.json"})


def test_loader_names_missing_files(tmp_path):
    with pytest.raises(ModelUnavailable, match="vocab, merges"):
        load_lp_music_caps({"checkpoint": tmp_path / "missing.pth"})


def test_packed_linears_follow_weight_changes(tiny):
    model, _ = tiny
    fc1 = model.bart.model.decoder.layers[0].fc1
    x = torch.randn(30, fc1.in_features)
    with torch.inference_mode():
        torch.testing.assert_close(model.packed_decoder_linears()[fc1](x), fc1(x), atol=1e-5, rtol=1e-5)
    original = fc1.weight.detach().clone()
    try:
        with torch.no_grad():
            fc1.weight.mul_(2.0)
        with torch.inference_mode():
            torch.testing.assert_close(model.packed_decoder_linears()[fc1](x), fc1(x), atol=1e-5, rtol=1e-5)
    finally:
        with torch.no_grad():
            fc1.weight.copy_(original)

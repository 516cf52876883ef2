"""lpmc.audio on generated files: every supported format, resampling, chunks, and every bad input."""

import math
import struct
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile

from lpmc import audio
from lpmc.errors import AudioError

SR = 44_100


def tone(freq: float, seconds: float, sr: int = SR, channels: int = 2) -> np.ndarray:
    """(n, channels) float32 sine at half scale; the right channel is a quarter-cycle late."""
    t = np.arange(int(seconds * sr)) / sr
    columns = [0.5 * np.sin(2 * np.pi * freq * t + 0.5 * np.pi * c) for c in range(channels)]
    return np.stack(columns, axis=1).astype(np.float32)


def write_with_ffmpeg(path: Path, samples: np.ndarray, sr: int, codec: str, container: str) -> Path:
    """Encode (n, 2) float samples with PyAV (for formats libsndfile cannot write)."""
    with av.open(str(path), "w", format=container) as output:
        stream = output.add_stream(codec, rate=sr, layout="stereo")
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.T), format="fltp", layout="stereo")
        frame.sample_rate = sr
        for packet in stream.encode(frame):
            output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return path


def dominant_frequency(samples: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / sr)[spectrum.argmax()])


@pytest.mark.parametrize("suffix", ["wav", "flac", "ogg", "mp3"])
def test_libsndfile_formats_decode_to_mono_float32(tmp_path, suffix):
    path = tmp_path / f"tone.{suffix}"
    soundfile.write(path, tone(440, 2.0), SR)
    samples = audio.load_audio(path, 16_000)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(samples.size - 32_000) < 2_000  # lossy codecs add or trim a few frames
    assert dominant_frequency(samples, 16_000) == pytest.approx(440, abs=2)


@pytest.mark.parametrize(("suffix", "codec", "container"), [("m4a", "aac", "mp4"), ("aac", "aac", "adts")])
def test_ffmpeg_formats_decode(tmp_path, suffix, codec, container):
    path = write_with_ffmpeg(tmp_path / f"tone.{suffix}", tone(1000, 2.0), SR, codec, container)
    samples = audio.load_audio(path, 12_000)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(samples.size - 24_000) < 3_000
    assert dominant_frequency(samples, 12_000) == pytest.approx(1000, abs=3)


def test_downmix_is_the_channel_mean(tmp_path):
    stereo = tone(300, 0.5)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, stereo, SR, subtype="FLOAT")
    np.testing.assert_allclose(audio.load_audio(path, SR), stereo.mean(axis=1), atol=1e-7)


def test_silence_and_noise_are_fine(tmp_path):
    silent, noisy = tmp_path / "silence.wav", tmp_path / "noise.flac"
    soundfile.write(silent, np.zeros(SR), SR)
    soundfile.write(noisy, np.random.default_rng(0).uniform(-0.5, 0.5, SR), SR)
    assert not audio.load_audio(silent, 16_000).any()
    assert audio.load_audio(noisy, 16_000).std() > 0.1


@pytest.mark.parametrize("method", ["soxr_hq", "kaiser_best"])
@pytest.mark.parametrize(
    ("sr_from", "sr_to"), [(44_100, 16_000), (48_000, 12_000), (8_000, 16_000), (22_050, 12_000)]
)
def test_resample_keeps_a_tone(method, sr_from, sr_to):
    samples = tone(440, 1.0, sr_from, channels=1)[:, 0]
    out = audio.resample(samples, sr_from, sr_to, method)
    assert out.dtype == np.float32
    assert out.size == int(np.ceil(samples.size * sr_to / sr_from))
    expected = 0.5 * np.sin(2 * np.pi * 440 * np.arange(out.size) / sr_to)
    np.testing.assert_allclose(out[500:-500], expected[500:-500], atol=2e-3)


def test_kaiser_best_removes_what_lies_above_its_rolloff():
    # resampy's kaiser_best rolls off at 0.917 * 8 kHz = 7.34 kHz for 16 kHz output: 7.8 kHz is attenuated
    above, below = (
        audio.resample(tone(f, 1.0, channels=1)[:, 0], SR, 16_000, "kaiser_best") for f in (7_800, 7_000)
    )
    assert above[1000:-1000].std() < 0.01 and below[1000:-1000].std() > 0.3


def test_resample_rejects_unknown_method():
    with pytest.raises(ValueError, match="unknown"):
        audio.resample(np.zeros(10, np.float32), 10, 20, "nearest")


def test_chunk_bounds_keep_the_tail():
    assert audio.chunk_bounds(25.0) == [(0.0, 10.0), (10.0, 20.0), (20.0, 25.0)]
    assert audio.chunk_bounds(30.0) == [(0.0, 10.0), (10.0, 20.0), (20.0, 30.0)]
    assert audio.chunk_bounds(20.01)[-1] == (20.0, 20.01)
    assert audio.chunk_bounds(4.0) == [(0.0, 4.0)]
    assert audio.chunk_bounds(0.0) == []


def test_format_timestamp():
    assert audio.format_timestamp(75.2) == "1:15"
    assert audio.format_timestamp(0) == "0:00"
    assert audio.format_timestamp(3725) == "62:05"


# --- bad input: each case gets an AudioError with a sentence the user can act on


def test_missing_file(tmp_path):
    with pytest.raises(AudioError, match="not found"):
        audio.load_audio(tmp_path / "nothing.wav", 16_000)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp3"
    path.touch()
    with pytest.raises(AudioError, match="empty"):
        audio.load_audio(path, 16_000)


def test_text_renamed_mp3_is_not_audio(tmp_path):
    path = tmp_path / "notes.mp3"
    path.write_text("These are my notes, not a song.\n" * 50)
    with pytest.raises(AudioError, match="not a readable audio file"):
        audio.load_audio(path, 16_000)


def test_random_bytes_are_not_audio(tmp_path):
    path = tmp_path / "noise.flac"
    path.write_bytes(np.random.default_rng(1).bytes(20_000))
    with pytest.raises(AudioError, match="not a readable audio file"):
        audio.load_audio(path, 16_000)


def test_corrupt_file(tmp_path):
    path = tmp_path / "broken.flac"
    soundfile.write(path, tone(440, 3.0), SR)
    data = bytearray(path.read_bytes())
    data[len(data) // 3 :] = np.random.default_rng(2).bytes(len(data) - len(data) // 3)  # garbage after 1 s
    path.write_bytes(bytes(data))
    with pytest.raises(AudioError, match="corrupt"):
        audio.load_audio(path, 16_000)


def test_zero_length_wav(tmp_path):
    path = tmp_path / "zero.wav"
    soundfile.write(path, np.zeros((0, 2)), SR)
    with pytest.raises(AudioError, match="no samples"):
        audio.load_audio(path, 16_000)


def test_too_long_is_refused_before_decoding(tmp_path, monkeypatch):
    # 25 minutes of noise at the lowest accepted rate, written block by block (12 MB)
    path = tmp_path / "long.wav"
    rng = np.random.default_rng(3)
    rate = 4000  # the lowest accepted rate
    with soundfile.SoundFile(path, "w", samplerate=rate, channels=1, subtype="PCM_16") as file:
        for _ in range(25):
            file.write(rng.uniform(-0.1, 0.1, 60 * rate))
    frames_decoded = 0
    read = soundfile.SoundFile.read

    def counting_read(self, *args, **kwargs):
        nonlocal frames_decoded
        block = read(self, *args, **kwargs)
        frames_decoded += len(block)
        return block

    def no_ffmpeg(*args, **kwargs):
        pytest.fail("FFmpeg was asked to decode a WAV file")

    monkeypatch.setattr(soundfile.SoundFile, "read", counting_read)
    monkeypatch.setattr(av, "open", no_ffmpeg)
    with pytest.raises(AudioError, match=r"25:00 long; the limit is 20:00"):
        audio.load_audio(path, 16_000)
    with pytest.raises(AudioError, match="limit is 0:30"):
        audio.load_audio(path, 16_000, max_seconds=30)
    assert frames_decoded == 0  # refused from the header alone
    assert audio.load_audio(path, 4000, max_seconds=3600).size == 25 * 60 * 4000
    assert frames_decoded == 25 * 60 * 4000  # within the limit every frame is decoded, and counted


def test_too_long_through_ffmpeg(tmp_path):
    path = write_with_ffmpeg(tmp_path / "long.m4a", tone(200, 12.0, 8_000), 8_000, "aac", "mp4")
    with pytest.raises(AudioError, match="limit is 0:10"):
        audio.load_audio(path, 8_000, max_seconds=10)


def pcm16_with_rate(path: Path, rate: int, frames: int = 1000) -> Path:
    """A mono 16-bit file whose header claims `rate` Hz: WAV (read by libsndfile) or, for a .au suffix,
    Sun AU (read by FFmpeg), built byte by byte because no encoder writes absurd rates."""
    data = (np.sin(np.arange(frames)) * 10_000).astype("<i2")
    if path.suffix == ".au":
        header = b".snd" + struct.pack(">5I", 24, 2 * frames, 3, rate, 1)  # 3: 16-bit linear PCM
        path.write_bytes(header + data.astype(">i2").tobytes())
        return path
    fmt = struct.pack("<HHIIHH", 1, 1, rate, (2 * rate) & 0xFFFFFFFF, 2, 16)
    chunks = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 2 * frames)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(chunks) + 2 * frames) + chunks + data.tobytes())
    return path


@pytest.mark.parametrize("suffix", ["wav", "au"])
@pytest.mark.parametrize("rate", [384_000_000, 7, 1])
def test_absurd_sample_rates_are_refused_from_the_header(tmp_path, suffix, rate):
    path = pcm16_with_rate(tmp_path / f"crafted.{suffix}", rate)
    with pytest.raises(AudioError, match=rf"declares a sample rate of {rate} Hz; lpmc reads 4000 to 768000"):
        audio.decode_audio(path)


@pytest.mark.parametrize("suffix", ["wav", "au"])
@pytest.mark.parametrize("rate", [4000, 768_000])  # the documented range, inclusive
def test_the_sample_rate_limits_are_accepted(tmp_path, suffix, rate):
    samples, sr = audio.decode_audio(pcm16_with_rate(tmp_path / f"edge.{suffix}", rate))
    assert (samples.size, sr) == (1000, rate)


def test_a_cut_short_mp3_decodes_what_it_can_and_says_so(tmp_path):
    whole = tmp_path / "whole.mp3"
    soundfile.write(whole, tone(440, 12.0, channels=1), SR)  # its Xing header declares 12 s
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 3])
    assert audio.decode_audio_checked(whole).notes == []
    decoded = audio.decode_audio_checked(cut)
    assert 3.0 < decoded.samples.size / decoded.sr < 5.0
    assert len(decoded.notes) == 1
    assert "'cut.mp3' stops at 0:0" in decoded.notes[0] and "header says 0:12" in decoded.notes[0]
    samples, sr = audio.decode_audio(cut)  # the plain function still returns what it can
    assert samples.size == decoded.samples.size and sr == decoded.sr


def test_decode_for_listening_resamples_to_16khz_and_keeps_the_files_duration_and_notes(tmp_path):
    path = tmp_path / "odd_length.wav"
    frames = 3 * SR + 7  # 7 frames past 3 s: no whole number of 16 kHz samples
    soundfile.write(path, tone(440, frames / SR, channels=1)[:frames], SR)
    heard = audio.decode_for_listening(path)
    assert heard.sr == audio.SAMPLE_RATE and heard.duration == frames / SR
    assert heard.samples.size == math.ceil(frames * audio.SAMPLE_RATE / SR) and heard.notes == []
    direct = audio.resample(audio.decode_audio(path)[0], SR, audio.SAMPLE_RATE, audio.LISTENING_RESAMPLER)
    np.testing.assert_array_equal(heard.samples, direct)

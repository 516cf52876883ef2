"""One-off developer tool: convert the published tagger weights into the trimmed safetensors lpmc ships.

    python bench/convert_tagger_weights.py ../shared assets

Reads shared/weights/{choi2016,musicnn,jamendo_moodtheme}/ and writes assets/{choi2016,musicnn,
jamendo_moodtheme}/ with inference-only float32 arrays (no optimizer state, no counters), the tag lists,
and the LICENSE/NOTICE files. Values are copied unchanged; only names and containers change.
"""

import argparse
import json
import re
import shutil
from pathlib import Path

import h5py
import numpy as np
from safetensors.numpy import save_file

CHOI_FILES = {
    "cnn": "music_tagger_cnn_weights_tensorflow.h5",
    "crnn": "music_tagger_crnn_weights_tensorflow.h5",
}
CHOI_TAGS = [
    "rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance", "00s",
    "alternative rock", "jazz", "beautiful", "metal", "chillout", "male vocalists", "classic rock", "soul",
    "indie rock", "Mellow", "electronica", "80s", "folk", "90s", "chill", "instrumental", "punk", "oldies",
    "blues", "hard rock", "ambient", "acoustic", "experimental", "female vocalist", "guitar", "Hip-Hop",
    "70s", "party", "country", "easy listening", "sexy", "catchy", "funk", "electro", "heavy metal",
    "Progressive rock", "60s", "rnb", "indie pop", "sad", "House", "happy",
]  # fmt: skip
MUSICNN_FILES = {"mtt": "MTT_musicnn", "msd": "MSD_musicnn"}
TRAINING_ONLY = re.compile(r"(/Adam(_1)?$)|(^beta[12]_power$)")
CONVERSION_NOTES = {
    "choi2016": "cnn.safetensors and crnn.safetensors hold every array of music_tagger_{cnn,crnn}_weights_"
    "tensorflow.h5 (Keras 1, kernels already flipped for cross-correlation), float32 and unchanged, named "
    '"layer.param" (e.g. "conv1.W", "bn_0_freq.running_std", "gru1.U_z"). tags.json: the 50 output tags.',
    "musicnn": "mtt.safetensors and msd.safetensors hold the 64 arrays of MTT_musicnn.npz / MSD_musicnn.npz "
    "used at inference, float32, unchanged, under their TensorFlow names and layouts; the Adam optimizer "
    "state (86 arrays) is left out. mtt_tags.json / msd_tags.json: the output tags of each model.",
    "jamendo_moodtheme": "moodtheme.safetensors holds the state_dict of jamendo_moodtheme.npz "
    "(= best_model.pth), "
    "float32 and unchanged, without the 6 BatchNorm num_batches_tracked counters (training only).",
}


def convert_choi(source: Path, target: Path) -> None:
    """Keras 1 HDF5 (TensorFlow orientation: kernels already flipped) -> "layer.param" arrays."""
    for model, filename in CHOI_FILES.items():
        arrays = {}
        with h5py.File(source / filename, "r") as h5:
            for layer in h5.attrs["layer_names"]:
                group = h5[layer]
                for weight_name in group.attrs["weight_names"]:
                    name = weight_name.decode() if isinstance(weight_name, bytes) else weight_name
                    short = re.sub(r"(_\d+)?:0$", "", name.split("/")[-1])
                    layer_name = layer.decode() if isinstance(layer, bytes) else layer
                    param = short.removeprefix(layer_name + "_")
                    arrays[f"{layer_name}.{param}"] = np.ascontiguousarray(group[name][()], dtype=np.float32)
        save_file(arrays, str(target / f"{model}.safetensors"))
    (target / "tags.json").write_text(json.dumps(CHOI_TAGS, indent=1) + "\n")
    shutil.copy(source / "LICENSE.md", target / "LICENSE.md")


def convert_musicnn(source: Path, target: Path) -> None:
    """TF checkpoint arrays (kept in TF layout and names) without the Adam state."""
    tag_lists = json.loads((source / "tags.json").read_text())
    for model, stem in MUSICNN_FILES.items():
        with np.load(source / f"{stem}.npz", allow_pickle=False) as npz:
            arrays = {
                k: np.ascontiguousarray(npz[k], np.float32) for k in npz.files if not TRAINING_ONLY.search(k)
            }
        save_file(arrays, str(target / f"{model}.safetensors"))
        (target / f"{model}_tags.json").write_text(json.dumps(tag_lists[stem], indent=1) + "\n")
    for name in ("LICENSE", "NOTICE"):
        shutil.copy(source / name, target / name)


def convert_jamendo(source: Path, target: Path) -> None:
    """PyTorch state_dict arrays without the BatchNorm batch counters."""
    with np.load(source / "jamendo_moodtheme.npz", allow_pickle=False) as npz:
        arrays = {k: np.ascontiguousarray(npz[k]) for k in npz.files if not k.endswith("num_batches_tracked")}
    save_file(arrays, str(target / "moodtheme.safetensors"))
    for name in ("tags.json", "LICENSE", "NOTICE"):
        shutil.copy(source / name, target / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", type=Path, help="the shared folder (holds weights/)")
    parser.add_argument("assets", type=Path, help="the project's assets/ folder")
    args = parser.parse_args()
    for folder, convert in (
        ("choi2016", convert_choi),
        ("musicnn", convert_musicnn),
        ("jamendo_moodtheme", convert_jamendo),
    ):
        target = args.assets / folder
        target.mkdir(parents=True, exist_ok=True)
        convert(args.shared / "weights" / folder, target)
        note = (
            f"# Conversion for lpmc\n\nMade by bench/convert_tagger_weights.py. {CONVERSION_NOTES[folder]}\n"
        )
        (target / "CONVERSION.md").write_text(note)
        for path in sorted(target.iterdir()):
            print(f"{path}  {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()

"""The Ray backend on a local Ray with 2 CPUs: the same lines as a local run, and it resumes like one."""

import pytest
import soundfile

from lpmc.captioning.batch import caption_folder
from tests.test_batch import SR, by_file, clip, lines

ray = pytest.importorskip("ray", reason="Ray is optional (requirements-ray.txt)")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


def test_ray_writes_the_lines_a_local_run_writes_and_resumes(tmp_path, local_ray):
    folder = tmp_path / "music"
    folder.mkdir()
    for i in range(4):
        soundfile.write(folder / f"song {i}.flac", clip(3.0 + 3 * i, 90 + 15 * i), SR)
    (folder / "broken.ogg").write_bytes(b"OggS but nothing else")
    local = tmp_path / "local.jsonl"
    caption_folder(folder, local, progress=False)
    out = tmp_path / "ray.jsonl"
    out.write_text(local.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    report = caption_folder(folder, out, workers=2, backend="ray", progress=False)
    assert (report.captioned, report.already, len(report.unreadable)) == (4, 1, 1)
    assert by_file(lines(out)) == by_file(lines(local))

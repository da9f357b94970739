"""The per-boot config disk."""
import subprocess

import pytest

from grader.cfgdisk import ArgsError, cfg_line, main, make_cfg_disk


def test_cfg_line():
    assert cfg_line("hz=250 ktest=pmm") == 'set mica_args="hz=250 ktest=pmm"\n'
    assert cfg_line("") == 'set mica_args=""\n'


@pytest.mark.parametrize("bad", ['a"b', "a$b", "a\\b", "a\nb", "caf\u00e9"])
def test_cfg_line_rejects_what_grub_would_interpret(bad):
    with pytest.raises(ArgsError):
        cfg_line(bad)


def test_disk_holds_the_cfg(tmp_path):
    img = make_cfg_disk(tmp_path / "cfg.img", "hz=100 x=y")
    out = subprocess.run(["mtype", "-i", str(img), "::/mica.cfg"], capture_output=True,
                         text=True, env={"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"})
    assert out.stdout == 'set mica_args="hz=100 x=y"\n'
    again = make_cfg_disk(tmp_path / "again.img", "hz=100 x=y")
    assert img.read_bytes() == again.read_bytes()       # same args, same image


def test_module_entry(tmp_path, capsys):
    assert main([str(tmp_path / "a.img"), "ok=1"]) == 0
    assert main([str(tmp_path / "b.img"), 'bad="1"']) == 1
    assert "double quote" in capsys.readouterr().err
    assert main([]) == 2

"""Addresses to names."""
from grader.symbols import Symbols


def test_lookup(fake_symbols):
    assert fake_symbols.lookup(0xffffffff80100125) == "kmain+0x125"
    assert fake_symbols.lookup(0xffffffff80100200) == "kmain+0x200"   # return address: caller
    assert fake_symbols.lookup(0xffffffff80100201) == "panic+0x1"
    assert fake_symbols.lookup(0x1000) == "0x1000"


def test_missing_file(tmp_path):
    assert Symbols.load(tmp_path / "nope.sym").lookup(0x1234) == "0x1234"

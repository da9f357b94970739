"""The matching and numeric helpers."""
import pytest

from grader.match import (GradeFailure, assert_close, assert_count, assert_lines_match,
                          assert_ratio, count, key_values, value, values)

TEXT = """\
Mica 0.1 (x86_64) booting
cmdline: hz=250
ktest: pmm begin
free=100 total=0x200
free=99 ratio=0.5
ktest: pmm end
mica: power off (status 0)
"""


def test_lines_match_returns_matched_lines():
    assert assert_lines_match(TEXT, r"^cmdline: hz=250$", "pmm end") == \
        ["cmdline: hz=250", "ktest: pmm end"]


def test_missing_pattern_shows_good_context_and_missing():
    with pytest.raises(GradeFailure) as e:
        assert_lines_match(TEXT, r"^cmdline:", r"^nothing here$")
    msg = str(e.value)
    assert "GOOD  cmdline: hz=250" in msg
    assert "MISSING '^nothing here$'" in msg
    assert "  Mica 0.1" in msg                     # context around the GOOD line


def test_forbidden_pattern_is_bad():
    with pytest.raises(GradeFailure) as e:
        assert_lines_match(TEXT, "begin", no=[r"^free=99"])
    msg = str(e.value)
    assert "BAD   free=99 ratio=0.5" in msg
    assert "FORBIDDEN '^free=99' matched line 5" in msg


def test_ordered():
    assert_lines_match(TEXT, "begin", "free=100", "end", ordered=True)
    with pytest.raises(GradeFailure, match="MISSING 'begin'"):
        assert_lines_match(TEXT, "end", "begin", ordered=True)
    assert_lines_match(TEXT, "end", "begin")         # unordered: fine


def test_empty_transcript_says_so():
    with pytest.raises(GradeFailure, match="empty"):
        assert_lines_match("", "anything")


def test_values_and_value():
    assert values(TEXT, "free") == [100, 99]
    assert values(TEXT, "total") == [0x200]
    assert values(TEXT, "ratio") == [0.5]
    assert values("xfree=5 free=-3", "free") == [-3]
    assert value(TEXT, "total") == 512
    with pytest.raises(GradeFailure, match="exactly one 'free=<number>'.*found 2"):
        value(TEXT, "free")
    with pytest.raises(GradeFailure, match="found 0"):
        value(TEXT, "nothing")


def test_key_values():
    assert key_values("tick cpu=0 n=0x10 name=idle r=1.5") == \
        {"cpu": 0, "n": 16, "name": "idle", "r": 1.5}


def test_counts():
    assert count(TEXT, r"^free=") == 2
    assert assert_count(TEXT, r"^free=", 2) == 2
    assert_count(TEXT, r"^free=", at_least=1, at_most=2)
    with pytest.raises(GradeFailure, match="expected 3 lines matching '\\^free=', saw 2"):
        assert_count(TEXT, r"^free=", 3)


def test_ratio_and_close():
    assert assert_ratio(200, 100, 2.0, rel=0.1) == 2.0
    assert_ratio(210, 100, 2.0, rel=0.1)
    with pytest.raises(GradeFailure, match="expected 2 \\+/- 0.2, saw 3"):
        assert_ratio(300, 100, 2.0, rel=0.1)
    with pytest.raises(GradeFailure, match="divisor is 0"):
        assert_ratio(1, 0, 2.0)
    assert_close(10.4, 10, abs=0.5)
    with pytest.raises(GradeFailure):
        assert_close(11, 10, rel=0.05, what="ticks")

from hypothesis import given
from hypothesis import strategies as st

from core.domain import cusip


def test_known_cusips():
    for c in ("67066G104", "21873S108", "037833100", "N97284108", "M70700105", "84615Q103"):
        assert cusip.is_valid(c), c
    assert cusip.is_valid(" 21873s108 ")


def test_bad_cusips():
    for c in ("21873S107", "123456789", "21873S10", "21873S1080", "", "21873S10X", "2187!S108"):
        assert not cusip.is_valid(c), c


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*@#", min_size=8, max_size=8))
def test_exactly_one_check_digit_fits(base):
    fits = [d for d in "0123456789" if cusip.is_valid(base + d)]
    assert fits == [str(cusip.check_digit(base))]


@given(st.lists(st.text(alphabet="0123456789ABCDEFGHJKXYZ*@#!ab ", min_size=7, max_size=10)
                | st.builds(lambda b, d: b + d, st.text(alphabet="0123456789ABCDEFGHJKXYZ*@#",
                                                         min_size=8, max_size=8),
                            st.sampled_from("0123456789"))))  # fmt: skip
def test_the_batch_check_agrees_with_is_valid(cusips):
    """valid_only (the importer's batch check) keeps exactly what is_valid accepts of
    normalised CUSIPs, in order."""
    normalised = [c for c in cusips if c == cusip.normalize(c)]
    assert cusip.valid_only(normalised) == [c for c in normalised if cusip.is_valid(c)]
    assert cusip.valid_only(["67066G104", "21873S108", "21873S107"]) == ["67066G104",
                                                                         "21873S108"]

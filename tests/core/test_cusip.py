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

"""Amounts in Vietnamese words, as a receipt prints them ("Số tiền viết bằng chữ")."""

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(n: int, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif units:
        if words:
            words.append("lẻ")
        words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """125000 -> 'Một trăm hai mươi lăm nghìn đồng'."""
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        amount, part = divmod(amount, 1000)
        groups.append(part)
    units = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]
    words = []
    for index in range(len(groups) - 1, -1, -1):
        part = groups[index]
        if part == 0:
            continue
        words.append(_three(part, full=index != len(groups) - 1))
        if units[index]:
            words.append(units[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]



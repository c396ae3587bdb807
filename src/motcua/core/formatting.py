"""Vietnamese number format: '.' groups thousands, ',' marks decimals (35.809; 63,826%)."""
from decimal import ROUND_HALF_UP, Decimal


def vn_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{number:,.{decimals}f}"  # 35,809.50
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vnd(value) -> str:
    """An amount in đồng: 550000 -> '550.000 đ'."""
    return "" if value is None or value == "" else f"{vn_number(value)} đ"

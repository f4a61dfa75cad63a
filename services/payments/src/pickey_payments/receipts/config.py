"""Who sells to the fan, as printed on receipts (``PICKEY_BILLING__SELLER__...``).

The platform is the supplier of an electronically supplied service to the fan (the ledger's VAT
position), so the receipt names the platform operator, not the creator. The defaults name no
real company: they boot any existing deployment, and an operator must set the real name,
address, IČO and DIČ before receipts go to fans (the receipt then shows them as configured).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SellerConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(default="Pickey", min_length=1, max_length=200, description="Legal name.")
    address: str = Field(default="", max_length=300, description="Registered address, one line.")
    ico: str = Field(
        default="", pattern=r"^([0-9]{8})?$", description="IČO: 8 digits (empty: not printed)."
    )
    dic: str = Field(
        default="",
        pattern=r"^([A-Z]{2}[0-9A-Z]{2,12})?$",
        description="DIČ / VAT id, e.g. CZ12345678 (empty: not printed).",
    )
    font_file: str = Field(
        default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        description="A Unicode TrueType font for PDF receipts; when the file is missing, PDFs "
        "fall back to a built-in font with Czech letters transliterated.",
    )

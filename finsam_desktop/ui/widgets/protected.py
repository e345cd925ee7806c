"""The warning every screen about a person with protected identity shows at the top."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from finsam_desktop.i18n import _
from finsam_desktop.ui.widgets.forms import banner

PROTECTED_STYLE = (
    "background: #fff4ce; color: #5c4400; padding: 6px; border-radius: 4px; font-weight: bold;"
)


def protected_banner(visible: bool = True) -> QLabel:
    """A banner for the person dialog and case screens; call ``setVisible`` as the flag
    changes. Pair it with services.privacy for what the screen itself shows."""
    label = banner(
        _(
            "Protected identity (skyddade personuppgifter): never give out the address or "
            "other details, and check who receives a letter before it is sent."
        ),
        PROTECTED_STYLE,
    )
    label.setObjectName("protectedIdentityBanner")
    label.setVisible(visible)
    return label

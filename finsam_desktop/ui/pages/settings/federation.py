"""The förbund: name, address and the logo printed on letters."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.organisation import Federation, PostalAddress
from finsam_desktop.i18n import _
from finsam_desktop.services import organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import SAVED_STYLE, FieldForm, banner, line

LOGO_MAX = (600, 240)


def image_to_png(image: QImage) -> bytes:
    """Any image the user picks, scaled down for letters and stored as PNG."""
    if image.width() > LOGO_MAX[0] or image.height() > LOGO_MAX[1]:
        image = image.scaled(
            *LOGO_MAX,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


class FederationTab(QWidget):
    """An inline form with its own Save button."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.federation = ctx.runner.read(organisation.get_federation)
        f = self.federation
        self.form = FieldForm(self)
        self.name = self.form.add_field("name", _("Name of the förbund"), line(f.name))
        self.street = self.form.add_field("street", _("Street address"), line(f.address.street))
        self.postcode = self.form.add_field("postcode", _("Postcode"), line(f.address.postcode, 20))
        self.city = self.form.add_field("city", _("Town"), line(f.address.city, 100))
        self.phone = self.form.add_field("phone", _("Phone"), line(f.phone, 50))
        self.email = self.form.add_field("email", _("E-mail"), line(f.email))
        self.website = self.form.add_field("website", _("Website"), line(f.website))
        self.org_number = self.form.add_field(
            "org_number", _("Organisation number"), line(f.org_number, 20)
        )
        self.logo_png = f.logo_png
        logo_row = QWidget()
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.logo_preview = QLabel()
        self.logo_preview.setMinimumHeight(60)
        choose = QPushButton(_("Choose logo…"))
        choose.clicked.connect(self.choose_logo)
        remove = QPushButton(_("Remove logo"))
        remove.clicked.connect(lambda: self.set_logo(None))
        row.addWidget(self.logo_preview, 1)
        row.addWidget(choose)
        row.addWidget(remove)
        self.form.add_field("logo", _("Logo for letters"), logo_row)
        self.set_logo(self.logo_png, dirty=False)

        self.saved = banner("", SAVED_STYLE)
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved, 1)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        layout.addStretch(1)

    def set_logo(self, png: bytes | None, dirty: bool = True) -> None:
        self.logo_png = png
        if png:
            pixmap = QPixmap()
            pixmap.loadFromData(png)
            self.logo_preview.setPixmap(
                pixmap.scaledToHeight(60, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("(no logo)"))
        if dirty:
            self.form.mark_dirty()

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose logo"), "", _("Images (*.png *.jpg *.jpeg *.bmp)")
        )
        if path:
            self.load_logo(path)

    def load_logo(self, path: str) -> bool:
        image = QImage(path)
        if image.isNull():
            self.form.show_problems(_("The file could not be read as an image."), {})
            return False
        self.set_logo(image_to_png(image))
        return True

    def save(self) -> Federation | None:
        draft = Federation(
            name=self.name.text(),
            address=PostalAddress(self.street.text(), self.postcode.text(), self.city.text()),
            phone=self.phone.text(),
            email=self.email.text(),
            website=self.website.text(),
            org_number=self.org_number.text(),
            logo_png=self.logo_png,
            version=self.federation.version,
        )
        try:
            self.federation = self.ctx.runner.run(organisation.save_federation, draft)
        except OperationFailed as exc:
            self.saved.hide()
            self.form.show_problems(exc.message, exc.problems)
            return None
        self.form.clear_problems()
        self.form.dirty = False
        self.saved.setText(_("Saved."))
        self.saved.show()
        return self.federation

"""The program's look, set once on the application."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle


class FinsamStyle(QProxyStyle):
    """Qt's Fusion look, except that unselected tabs are not shifted down: the shift
    clips the dots and ring of a leading Ä, Ö or Å ("Ärendearbete" read "Arendearbete")."""

    def pixelMetric(self, metric, option=None, widget=None):
        if metric == QStyle.PixelMetric.PM_TabBarTabShiftVertical:
            return 0
        return super().pixelMetric(metric, option, widget)


def install_style(app: QApplication) -> None:
    app.setStyle(FinsamStyle("Fusion"))

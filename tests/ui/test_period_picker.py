"""The one period picker: every kind gives the same Period the command line parses."""

from datetime import date

import pytest

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.periods import PeriodKind, parse_period


@pytest.fixture
def picker(qapp, qtbot):
    from finsam_desktop.ui.widgets.period_picker import PeriodPicker

    widget = PeriodPicker(today=date(2026, 12, 1))
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize(
    "code", ["2016", "2026H2", "2026Q3", "2026-03", "2016-W26:2016-W43", "2026-01-15:2026-05-31"]
)
def test_each_kind_round_trips_with_the_command_line(picker, qtbot, code):
    wanted = parse_period(code)
    with qtbot.waitSignal(picker.changed):
        picker.set_period(wanted)
    got = picker.period()
    assert (got.start, got.end, got.kind) == (wanted.start, wanted.end, wanted.kind)


def test_choosing_in_the_widget(picker):
    picker.kind.setCurrentIndex(picker.kind.findData(PeriodKind.WEEKS.value))
    picker.year.setValue(2016)
    picker.first_week.setValue(26)
    picker.last_week.setValue(43)
    assert picker.period().label == "2016 v. 26–43"
    picker.last_week.setValue(20)
    with pytest.raises(ValidationError):
        picker.period()
    assert not picker.start.isVisible() or picker.current_kind() is PeriodKind.DATES

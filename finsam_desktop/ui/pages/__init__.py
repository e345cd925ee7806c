"""The pages of the main window, one module or package each, listed in
``ui/main_window.py`` ``PAGES``: overview, referrals, persons, lots, krans, statistics,
settings (every tab of Inställningar) and admin (accounts, access log). ``case/`` is the
case window of one participation, opened from several pages. What two pages share lives
in ``ui/widgets/``."""

"""The Qt user interface. The only package (with app.py and __main__.py) that imports Qt.

- ``main_window.py``: navigation on the left, one page at a time; ``PAGES`` lists the pages.
- ``pages/``: one module or package per page of the navigation (``settings/`` holds every
  tab of Inställningar, ``admin/`` the administrator's pages); ``case/`` is the case
  window that Översikt and Deltagare open.
- ``widgets/``: the building blocks the pages share (form dialogs, the date field, lists,
  the PDF preview...).
- ``operations.py``: the one way a screen changes data, and hears what changed;
  ``context.py``: what every screen is given.
- ``login.py``, ``lock.py``: the doors in; ``dialogs/``: the window's own dialogs;
  ``help.py``, ``crash.py``, ``style.py``, ``backup_schedule.py``: the handbook, crash
  reports, the look, automatic backups.
"""

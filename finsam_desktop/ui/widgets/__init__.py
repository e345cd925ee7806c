"""The building blocks the pages share: form dialogs and their fields, the date field,
the period picker, lists over a lazy table model, the conflict dialog, the PDF preview,
the import preview and the report page. A widget holds no Session and writes no SQL;
what only one page uses stays in that page's package."""

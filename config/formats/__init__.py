"""The app's date and time formats per language (FORMAT_MODULE_PATH).

Templates name a format (`|date:"SHORT_DATE_FORMAT"`, `formats.date_format(day,
"DATE_FORMAT")`) instead of spelling one out, so a date reads the same on every page.
What a module leaves out (the input formats) comes from Django's own locale.
"""

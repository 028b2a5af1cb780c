"""Greek formats as official Greek writes them: 24-hour times (15:13, never «3:13 μμ.»), dates as 30/11/2026.

Django's own Greek formats use 12-hour times («P»); everything else is Django's (the admin included).
"""

DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday

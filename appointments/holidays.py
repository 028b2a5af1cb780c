"""Greek public holidays of a year, from the maintained `holidays` package (moved days included)."""

from datetime import date

import holidays


def greek_holidays(year: int) -> list[tuple[date, str, str]]:
    """(day, Greek name, English name) for each public holiday, in date order.

    The package follows the law as amended, e.g. Labour Day moved when it falls in Holy Week or on Easter Monday.
    """
    names_el = holidays.country_holidays("GR", years=year, language="el")
    names_en = holidays.country_holidays("GR", years=year, language="en_US")
    return [(day, name, names_en.get(day, name)) for day, name in sorted(names_el.items())]

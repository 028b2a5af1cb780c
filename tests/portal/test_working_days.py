"""Working-days arithmetic: weekends, Greek public holidays, Orthodox Easter Monday and a moved Labour Day."""

from datetime import date

from portal.working_days import is_working_day, working_days_add, working_days_between


def test_a_friday_plus_one_working_day_is_the_monday():
    assert working_days_add(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_weekends_are_skipped_across_two_weeks():
    # Monday 2 March 2026 + 10 working days: two weekends skipped, no holiday in between.
    assert working_days_add(date(2026, 3, 2), 10) == date(2026, 3, 16)


def test_independence_day_and_a_weekend_are_skipped():
    # Tuesday 24 March 2026 + 3: Wednesday 25 March is a holiday, then Thursday, Friday, (weekend), Monday.
    assert working_days_add(date(2026, 3, 24), 3) == date(2026, 3, 30)


def test_orthodox_easter_monday_and_good_friday_are_not_working_days():
    # Orthodox Easter 2026 is 12 April: Good Friday 10 April, Easter Monday 13 April.
    assert not is_working_day(date(2026, 4, 10))
    assert not is_working_day(date(2026, 4, 13))
    assert working_days_add(date(2026, 4, 9), 1) == date(2026, 4, 14)


def test_labour_day_moved_off_easter_week_in_2024():
    # Orthodox Easter 2024 was 5 May: Labour Day moved from Wednesday 1 May to Tuesday 7 May.
    assert is_working_day(date(2024, 5, 1))
    assert not is_working_day(date(2024, 5, 7))
    assert not is_working_day(date(2024, 5, 6))  # Easter Monday
    # Thursday 2 May + 2: Friday 3 May is Good Friday, weekend, Monday 6 and Tuesday 7 off → 8 and 9 May.
    assert working_days_add(date(2024, 5, 2), 2) == date(2024, 5, 9)


def test_across_the_new_year():
    # Wednesday 24 December 2025: 25, 26 Dec, the weekend, 1 Jan and 6 Jan (Epiphany) skipped.
    assert working_days_add(date(2025, 12, 24), 3) == date(2025, 12, 31)
    assert working_days_add(date(2025, 12, 24), 4) == date(2026, 1, 2)
    assert working_days_add(date(2025, 12, 24), 5) == date(2026, 1, 5)
    assert working_days_add(date(2025, 12, 24), 6) == date(2026, 1, 7)


def test_extra_local_holidays_are_skipped():
    # Chania's own holiday on a Monday, given by the caller.
    assert working_days_add(date(2026, 3, 6), 1, extra=[date(2026, 3, 9)]) == date(2026, 3, 10)


def test_between_is_the_inverse_of_add():
    start = date(2026, 3, 20)
    for days in range(0, 30):
        assert working_days_between(start, working_days_add(start, days)) == days
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == 0

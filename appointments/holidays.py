"""Greek public holidays of a year, the movable ones counted from Orthodox Easter."""

from datetime import date, timedelta

from dateutil.easter import EASTER_ORTHODOX, easter

FIXED = [
    ((1, 1), "Πρωτοχρονιά", "New Year's Day"),
    ((1, 6), "Θεοφάνεια", "Epiphany"),
    ((3, 25), "Εικοστή Πέμπτη Μαρτίου", "Independence Day"),
    ((5, 1), "Πρωτομαγιά", "Labour Day"),
    ((8, 15), "Κοίμηση της Θεοτόκου", "Dormition of the Mother of God"),
    ((10, 28), "Επέτειος του «Όχι»", "Ochi Day"),
    ((12, 25), "Χριστούγεννα", "Christmas Day"),
    ((12, 26), "Σύναξη της Θεοτόκου", "Synaxis of the Mother of God"),
]
FROM_EASTER = [
    (-48, "Καθαρά Δευτέρα", "Clean Monday"),
    (-2, "Μεγάλη Παρασκευή", "Good Friday"),
    (1, "Δευτέρα του Πάσχα", "Easter Monday"),
    (50, "Αγίου Πνεύματος", "Whit Monday"),
]


def greek_holidays(year: int) -> list[tuple[date, str, str]]:
    pascha = easter(year, EASTER_ORTHODOX)
    days = [(date(year, month, day), el, en) for (month, day), el, en in FIXED]
    days += [(pascha + timedelta(days=offset), el, en) for offset, el, en in FROM_EASTER]
    # When Labour Day falls in Holy Week or on Easter Monday it is moved by law; only the fixed day is kept here.
    return sorted(days)

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    # Fuzzy guesses by msgmerge are wrong more often than right for short field labels: a new string starts
    # untranslated, so the translation check names it.
    msgmerge_options = ["-q", "--backup=none", "--previous", "--update", "--no-fuzzy-matching"]

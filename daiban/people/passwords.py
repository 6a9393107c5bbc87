from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other signs."""

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("Use at least three of: small letters, capital letters, digits, other signs."),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("Use at least three of: small letters, capital letters, digits, other signs.")

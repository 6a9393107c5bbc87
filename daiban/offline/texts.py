"""The words the offline pages' script shows, translated here on the server (no string
lives in the JavaScript)."""

from django.utils.translation import gettext as _

from daiban.cases.models import FollowUp


def shell_texts() -> dict:
    return {
        "pending": _("Waiting to sync"),
        "synced": _("Synced"),
        "conflict": _("Conflict"),
        "error": _("Not accepted by the server"),
        "discarded": _("Discarded"),
        "last_sync": _("Last synced %(time)s"),
        "never_synced": _("Not synced yet"),
        "syncing": _("Sending…"),
        "sync_done": _("Everything is sent."),
        "sync_dropped": _("The connection dropped; the rest is sent when it is back."),
        "login_again": _("Your session has ended: log in again to send the rest."),
        "use_existing": _("Use this villager"),
        "open_anyway": _("Open a second case anyway"),
        "apply_now": _("Apply it now"),
        "discard": _("Discard"),
        "confirm_discard": _("Discard this entry? It will not be sent."),
        "server_version": _("On the server:"),
        "resident": _("New villager"),
        "inquiry": _("Inquiry"),
        "case": _("New case"),
        "request_supplement": _("Supplement notice"),
        "reply": _("Result handed over"),
        "close": _("Follow-up"),
        "captured": _("Captured %(time)s"),
        "case_done": _("Case %(number)s, tracking code %(code)s"),
        "receipt": _("Print the receipt"),
        "slip": _("Provisional slip"),
        "waiting_for": _("Waits for the new villager above."),
        "not_sent": _("not sent yet"),
        "missing": _("Missing: %(names)s. A supplement notice listing them is issued."),
        "complete": _("All required materials received: the case is accepted."),
        "saved": _("Saved on this phone; it is sent when there is a connection."),
        "no_data": _("Open this page once with a connection to keep the guide on this phone."),
        "required": _("required"),
        "original": _("original"),
        "copy": _("copy"),
        "confirm_logout": _(
            "%(count)s entries are not sent yet; logging out deletes them. Log out anyway?"
        ),
        "open_case": _("Open the case"),
        "ref": _("Reference"),
        "villager": _("Villager"),
        "item": _("Service item"),
        "materials": _("Materials received"),
        "entrustment": _("Entrustment signed by"),
        "at": _("Captured at"),
        "agent": _("Agent"),
        "choose": _("Choose…"),
        "none": _("None"),
        "fill_in": _("Fill in the fields marked as required."),
        "days": _("%(days)s working days"),
    }


def follow_up_methods() -> list:
    return [(value, label) for value, label in FollowUp.Method.choices]

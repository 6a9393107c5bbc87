from django.db.models import Q

from daiban.catalog.models import ServiceItem


def search_items(text: str):
    """Offered items whose name contains the text or whose pinyin initials start with it."""
    items = ServiceItem.objects.filter(is_active=True)
    text = (text or "").strip()
    if not text:
        return items
    return items.filter(Q(name__icontains=text) | Q(name_initials__startswith=text.lower()))

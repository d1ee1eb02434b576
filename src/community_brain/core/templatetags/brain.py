"""Template helpers: dictionary lookup, masking."""

from django import template

from community_brain.core.identifiers import mask_name, mask_phone

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


register.filter("mask_phone", mask_phone)
register.filter("mask_name", mask_name)

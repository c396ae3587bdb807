from django import template

from motcua.core import formatting

register = template.Library()


@register.filter
def vn_number(value, decimals=0):
    return formatting.vn_number(value, int(decimals))


@register.filter
def vnd(value):
    return formatting.vnd(value)

"""Filters of the quartiers' pages."""

from django import template

from cdv import formats

register = template.Library()
register.filter("nombre", formats.nombre)

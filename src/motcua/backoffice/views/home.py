"""The officer's home page (/mot-cua/): what waits for this person, one section per role."""
from django.shortcuts import render

from motcua.organization.access import staff_required

from ..home import home_sections


@staff_required
def home(request):
    return render(request, "backoffice/home.html", {"sections": home_sections(request.user)})

from django.contrib.auth import views as auth_views
from django.shortcuts import render


def home(request):
    return render(request, "web/home.html")


login_view = auth_views.LoginView.as_view(template_name="web/login.html")

"""Steps every browser journey shares: signing in and out as a demo account (the Chinese pages)."""
from lms.demo import DEMO_PASSWORD


def sign_in(page, base, staff_no, password=DEMO_PASSWORD):
    page.goto(base + "/login")
    page.get_by_label("員工編號或電子郵件").fill(staff_no)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()


def sign_out(page):
    page.get_by_role("button", name="登出").click()

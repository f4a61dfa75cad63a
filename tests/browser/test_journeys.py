"""In headless Chromium, a person goes from sign-up to paying to reading the post, and sees a
sensible page at every step: Pay, Cancel and a declined card on the gateway's page each land on
the result page with what to do next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.browser_stack import PASSWORD, Stack

# Generous: the first test also builds the creator's page through the browser, on a busy machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SECRET = "Gordíkey's steak recipe: only for Na steaky members."


@dataclass
class Creator:
    slug: str
    post_id: str
    post_title: str


def open_page(context: BrowserContext, stack: Stack, path: str) -> Page:
    page = context.new_page()
    page.goto(stack.web_url + path)
    page.wait_for_selector("body[data-ready=true]")
    return page


def signed_up_and_verified(
    context: BrowserContext, stack: Stack, email: str, name: str, shot: str
) -> Page:
    """Sign up on the sign-up page, then open the link from the verification email."""
    page = open_page(context, stack, "/signup")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=password]", PASSWORD)
    stack.shot(page, f"{shot}-01-sign-up")
    page.click("button[type=submit]")
    expect(page.locator("#signed-up")).to_contain_text(email)
    stack.shot(page, f"{shot}-02-signed-up")
    page.goto(stack.verification_link(email))
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#verify")).to_have_attribute("data-state", "verified")
    stack.shot(page, f"{shot}-03-email-verified")
    return page


@pytest.fixture(scope="module")
def creator(browser: Browser, stack: Stack) -> Creator:
    """A creator who signs up, verifies, logs in afresh, becomes a creator with a 99 Kč tier and
    publishes a members' post, all through the pages."""
    slug = f"gordikey-{uuid.uuid4().hex[:6]}"
    email = f"{slug}@example.cz"
    first = browser.new_context()
    signed_up_and_verified(first, stack, email, "Gordíkey", "creator")
    first.close()

    context = browser.new_context()  # another browser: log in there
    page = open_page(context, stack, "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(stack.web_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#who")).to_contain_text("Gordíkey")
    stack.shot(page, "creator-04-logged-in")

    page = open_page(context, stack, "/creator/new")
    page.fill("input[name=slug]", slug)
    page.fill("input[name=display_name]", "Gordíkey")
    stack.shot(page, "creator-05-become-creator")
    page.click("button[type=submit]")
    page.wait_for_selector("#tier-form")
    page.fill("input[name=name]", "Na steaky")
    page.fill("input[name=price]", "99")
    stack.shot(page, "creator-06-tier")
    page.click("#tier-form button[type=submit]")

    page.wait_for_url(stack.web_url + "/publish")
    page.wait_for_selector("#post-form")
    page.fill("input[name=title]", "Steak night")
    page.fill("textarea[name=body]", SECRET)
    page.select_option("select[name=access]", label="Members of Na steaky (99,00\u00a0Kč)")
    stack.shot(page, "creator-07-publish")
    page.click("#post-form button[type=submit]")
    page.wait_for_url(f"{stack.web_url}/posts/*")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#post-body")).to_have_text(SECRET)  # the author reads their own post
    stack.shot(page, "creator-08-published")
    post_id = page.url.rsplit("/", 1)[1]
    context.close()
    return Creator(slug, post_id, "Steak night")


def fan_checks_out(
    browser: Browser, stack: Stack, creator: Creator, outcome: str, shot: str
) -> tuple[BrowserContext, Page]:
    """A new fan signs up, verifies, opens the creator page and joins; on the gateway's page they
    press the button for ``outcome``; the result page has shown what happened."""
    context = browser.new_context()
    email = f"fan-{uuid.uuid4().hex[:8]}@example.cz"
    signed_up_and_verified(context, stack, email, "Fanoušek", shot)

    page = open_page(context, stack, f"/c/{creator.slug}")
    expect(page.locator("#creator-name")).to_have_text("Gordíkey")
    expect(page.locator("#posts")).to_contain_text(creator.post_title)
    stack.shot(page, f"{shot}-04-creator-page")
    page.click("button[data-tier-id]")

    page.wait_for_url(f"{stack.sandbox_url}/pgw/order.do*")
    expect(page.locator(".amount")).to_have_text("99,00\u00a0Kč")
    expect(page.locator("h1")).to_have_text("Platba kartou (sandbox GP webpay)")
    stack.shot(page, f"{shot}-05-gateway-page")
    page.click(f"button[value={outcome}]")

    page.wait_for_url(f"{stack.web_url}/payments/result?*")
    return context, page


def test_a_fan_pays_lands_on_paid_and_reads_the_post(
    browser: Browser, stack: Stack, creator: Creator
) -> None:
    context, page = fan_checks_out(browser, stack, creator, "paid", "paid")
    expect(page.locator("#outcome")).to_have_attribute("data-outcome", "paid")
    expect(page.locator("#outcome")).to_contain_text("Paid")
    expect(page.locator("#next")).to_contain_text("membership is active")
    stack.shot(page, "paid-06-result")

    page.click("#continue")
    page.wait_for_url(f"{stack.web_url}/c/{creator.slug}")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#tiers")).to_contain_text("your tier")
    page.click(f"a[href='/posts/{creator.post_id}']")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#post-body")).to_have_text(SECRET)
    stack.shot(page, "paid-07-reads-the-post")
    context.close()


@pytest.mark.parametrize(
    ("button", "outcome", "next_step"),
    [
        ("cancelled", "cancelled", "nothing was charged"),
        ("declined", "failed", "declined the card"),
    ],
)
def test_cancel_or_a_declined_card_shows_what_to_do_next_and_the_post_stays_locked(
    browser: Browser, stack: Stack, creator: Creator, button: str, outcome: str, next_step: str
) -> None:
    context, page = fan_checks_out(browser, stack, creator, button, button)
    expect(page.locator("#outcome")).to_have_attribute("data-outcome", outcome)
    expect(page.locator("#next")).to_contain_text(next_step)
    stack.shot(page, f"{button}-06-result")

    page.click("#continue")
    page.wait_for_url(f"{stack.web_url}/c/{creator.slug}")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("button[data-tier-id]")).to_be_visible()  # may try again
    page.goto(f"{stack.web_url}/posts/{creator.post_id}")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#teaser")).to_contain_text("for members")
    expect(page.locator("#post-body")).to_have_count(0)
    stack.shot(page, f"{button}-07-post-still-locked")
    context.close()

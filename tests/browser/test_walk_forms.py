"""Every form under bad input, in English and in Chinese: the forms the walk (tests/browser/test_walk.py) found on
the pages each person reached, each sent empty, with values one character past their limit, with wrong formats,
and (forms that post) with a stale CSRF token, through the page itself in the browser.

Each answer must: not be a 5xx; come back to the form (not accept the input) with messages next to the fields (or a
message above them for the stale token) in the page's language; keep what was typed (passwords aside); and on a
Chinese page show no English interface text or English error message. Every check of the walk applies to the
answer too (console errors, title, h1, lang).

A form is tried once per language, by the first person who reaches it (a search box on every page is one form).
Without `FUHUA_WALK=full` each language gets half the cases (English: too long and stale token, Chinese: empty and
wrong format), so every form meets every case once; with it, every case in both languages.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from tests.browser.walking import EDITABLE, FULL, LANGS, pattern_of, walk_pairs, walker

CASES = {"en": ("empty", "long", "format", "stale") if FULL else ("long", "stale"),
         "zh": ("empty", "long", "format", "stale") if FULL else ("empty", "format")}
DOCUMENT_4XX = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")
TYPED = ("email", "number", "date", "time", "datetime-local", "url", "month", "week", "tel")
# Three English words in a row: an untranslated message (the typed values and the demo data are Chinese or names).
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{3,}[ ,']+[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}")

# The forms with fields to fill. Those without a method or an action are the scripts' own, never sent as forms; a
# message thread's form is sent by its script (its page fallback has tests of its own).
DESCRIBE = """() => Array.from(document.forms).map((f, index) => {
  const fields = Array.from(f.elements).filter(e => e.name && e.matches('__EDITABLE__')).map(e => ({
    name: e.name, tag: e.tagName.toLowerCase(), type: (e.getAttribute('type') || '').toLowerCase(),
    required: e.required, maxlength: e.maxLength > 0 ? e.maxLength : 0,
  }));
  // the attribute: `f.action` is an input of the form when one is named "action"
  const action = new URL(f.getAttribute('action') || location.href, location.href).href;
  return {index, method: (f.getAttribute('method') || 'get').toLowerCase(), action, fields,
          csrf: !!f.querySelector('[name=csrf_token]')};
}).filter(f => f.fields.length && !document.forms[f.index].matches('[data-thread-form]')
               && (document.forms[f.index].hasAttribute('method') || document.forms[f.index].hasAttribute('action')))
""".replace("__EDITABLE__", EDITABLE)

# Fill the form as the case says and send it with its first submit button; the browser's own checks are off, so
# the server's are what is tested. Returns what was typed in each field.
FILL_AND_SEND = """([index, kase, stale, tomorrow]) => {
  const form = document.forms[index];
  form.noValidate = true;
  const WRONG = {email: '不是邮箱地址', number: '十二', date: '2026-02-31', time: '25:99', 'datetime-local': '明天下午',
                 url: '不是网址', month: '十三月', week: '第九十周', tel: '电话'};
  const GOOD = {email: 'walk@example.test', number: '1', date: tomorrow, time: '10:00',
                'datetime-local': tomorrow + 'T10:00', url: 'https://example.test/', month: tomorrow.slice(0, 7),
                week: '2030-W02', tel: '+86 10 1234 5678', password: 'correct-horse-battery-staple'};
  const typed = {};
  for (const e of Array.from(form.elements)) {
    if (!e.name || !e.matches('__EDITABLE__')) continue;
    const type = (e.getAttribute('type') || '').toLowerCase();
    const limit = e.maxLength > 0 ? e.maxLength : 0;
    for (const a of ['maxlength', 'minlength', 'required', 'min', 'max', 'pattern', 'step']) e.removeAttribute(a);
    if (e.tagName === 'SELECT') {
      if (kase === 'format') {
        const o = document.createElement('option'); o.value = 'no-such-choice'; o.textContent = '?';
        e.appendChild(o); e.value = 'no-such-choice';
      } else if (kase === 'empty' && !e.multiple) {
        const o = document.createElement('option'); o.value = ''; e.appendChild(o); e.value = '';
      }
      continue;
    }
    let value;
    if (kase === 'empty') value = '';
    else if (kase === 'long') value = limit ? '长'.repeat(limit + 1) : '测试文本';
    else if (kase === 'format') value = WRONG[type] || '测试文本';
    else value = GOOD[type] || '测试文本';
    if (type && type !== 'text' && type !== 'password' && type !== 'search') e.setAttribute('type', 'text');
    e.value = value;
    typed[e.name] = {value, password: type === 'password'};
  }
  if (kase === 'stale') form.querySelector('[name=csrf_token]').value = stale;
  const button = form.querySelector('button[type=submit], input[type=submit], button:not([type])');
  form.requestSubmit(button || undefined);
  return typed;
}""".replace("__EDITABLE__", EDITABLE)

# What the answer shows: the messages (field errors and alerts), and the values of the fields named in the form
# sent to the same address (the one holding most of them).
READ_ANSWER = """([names, action]) => {
  const forms = Array.from(document.forms)
    .filter(f => new URL(f.getAttribute('action') || location.href, location.href).pathname === action);
  const holds = f => names.filter(n => f.querySelector(`[name="${CSS.escape(n)}"]`)).length;
  const form = forms.sort((a, b) => holds(b) - holds(a))[0];
  const messages = Array.from(document.querySelectorAll('.error, [role=alert], .flash-error, .flash-warning'))
    .map(e => e.textContent.replace(/\\s+/g, ' ').trim()).filter(Boolean);
  const invalid = document.querySelectorAll('[aria-invalid=true], .has-error').length;
  const values = {};
  for (const name of names) {
    const e = form && form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (e) values[name] = e.tagName === 'TEXTAREA' ? e.value : (e.getAttribute('value') || '');
  }
  return {messages, invalid, values, path: location.pathname + location.search};
}"""


@pytest.fixture(scope="module")
def stale_token(browser, site):
    """A well-formed CSRF token of another session of the site."""
    context = browser.new_context(base_url=site.url)
    try:
        html = context.request.get("/login").text()
    finally:
        context.close()
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def tried():
    """The forms tried so far, per language: (method, action pattern, field names)."""
    return {lang: set() for lang in LANGS}


def _form_key(form: dict) -> tuple:
    return form["method"], pattern_of(urlsplit(form["action"]).path), tuple(sorted(f["name"] for f in form["fields"]))


def _cases(form: dict, lang: str) -> list[str]:
    """The cases that must be refused by this form: an empty required field, a field past its limit, a field
    of a typed kind (or a choice) given something else, a stale token. A search (GET) form only must not fail."""
    out = []
    fields = form["fields"]
    for case in CASES[lang]:
        if case == "empty" and (form["method"] == "get" or any(f["required"] for f in fields)):
            out.append(case)
        elif case == "long" and any(f["maxlength"] for f in fields):
            out.append(case)
        elif case == "format" and any(f["type"] in TYPED or f["tag"] == "select" for f in fields):
            out.append(case)
        elif case == "stale" and form["method"] == "post" and form["csrf"]:
            out.append(case)
    return out


def _try(walk, path: str, form: dict, case: str, stale: str) -> list[str]:
    """Send `form` of `path` under `case`; what is wrong with the answer."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    page = walk.page
    page.console.clear()
    walk._seen.clear()
    page.goto(path, wait_until="domcontentloaded")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    try:
        with page.expect_navigation(wait_until="domcontentloaded", timeout=8_000) as navigation:
            typed = page.evaluate(FILL_AND_SEND, [form["index"], case, stale, tomorrow])
            if page.locator("dialog[data-confirm-dialog][open]").count():  # a form that asks first is sent all the same
                page.click("dialog[data-confirm-dialog] [data-confirm-ok]")
        response = navigation.value
    except PlaywrightTimeout:
        return ["sending the form led nowhere within 8 s"]
    action = urlsplit(form["action"]).path
    answer = page.evaluate(READ_ANSWER, [[n for n, t in typed.items() if not t["password"]], action])
    # the answer is a page like any other (console, lang, title, h1, English on a Chinese page); 4xx is its right,
    # and the browser's console notes it
    found = [f"answered {response.status}"] if response is None or response.status >= 500 else []
    page.console.errors[:] = [e for e in page.console.errors if not DOCUMENT_4XX.search(e)]
    found += walk.check(walk.read(answer["path"]), answer["path"], axe=False)
    if form["method"] == "get":  # a search: its filters may drop or trim what they cannot use
        return found
    if not answer["messages"] and not answer["invalid"]:
        found.append(f"accepted, or answered without a message (now on {answer['path']})")
    if walk.lang == "zh":
        found += [f"English message {m!r}" for m in answer["messages"] if ENGLISH_SENTENCE.search(m)]
    for name, value in answer["values"].items():
        if value.strip() != typed[name]["value"].strip():
            found.append(f"{name!r} lost what was typed ({typed[name]['value'][:20]!r} came back as {value[:20]!r})")
    missing = [n for n, t in typed.items() if not t["password"] and t["value"] and n not in answer["values"]]
    if missing:
        found.append(f"the answer has no field {missing} to show what was typed")
    return found


@pytest.mark.parametrize(("person", "lang"), walk_pairs())
def test_every_form_under_bad_input(browser, site, walk_state, stale_token, tried, person, lang):
    with walker(browser, site, person, lang, walk_state) as walk:
        pages = walk_state["form_pages"].get((person, lang))
        if pages is None:  # run on its own: find them
            walk.crawl("/", axe=False)
            pages = walk.form_pages
        problems = {}
        for path in pages:
            walk.page.goto(path, wait_until="domcontentloaded")
            for form in walk.page.evaluate(DESCRIBE):
                key = _form_key(form)
                action = urlsplit(form["action"]).path
                if key in tried[lang] or action.startswith(("/api/", "/logout", "/language")):
                    continue
                tried[lang].add(key)
                for case in _cases(form, lang):
                    found = _try(walk, path, form, case, stale_token)
                    if found:
                        problems[f"{path} form {form['index']} → {urlsplit(form['action']).path} ({case})"] = found
    assert not problems, f"{person} ({lang}):\n" + "\n".join(
        f"  {where}:\n    " + "\n    ".join(found) for where, found in problems.items())

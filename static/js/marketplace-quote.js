// The quote form: add and remove line-item and milestone rows, show the equity fields for equity terms, and an
// estimate of the totals (the server computes the quote itself). Without this script the form still works with
// the rows the page gave, a spare one included.
(function () {
  "use strict";
  var form = document.querySelector("[data-quote-form]");
  if (!form) return;

  function rows(body) { return body.querySelectorAll("[data-row]"); }

  function nextIndex(body) {
    var max = -1;
    body.querySelectorAll("input, select, textarea").forEach(function (input) {
      var m = /-(\d+)-[a-z_]+$/.exec(input.name || "");
      if (m) max = Math.max(max, parseInt(m[1], 10));
    });
    return max + 1;
  }

  function renumberLabels(body) {
    rows(body).forEach(function (row, i) {
      row.querySelectorAll("[aria-label]").forEach(function (input) {
        input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(i + 1)));
      });
    });
  }

  function addRow(body) {
    var all = rows(body);
    var copy = all[all.length - 1].cloneNode(true);
    var index = nextIndex(body);
    copy.querySelectorAll("input, select, textarea").forEach(function (input) {
      ["name", "id"].forEach(function (attr) {
        var value = input.getAttribute(attr);
        if (value) input.setAttribute(attr, value.replace(/-(\d+)-([a-z_]+)$/, "-" + index + "-$2"));
      });
      input.value = "";
      input.setAttribute("aria-invalid", "false");
      input.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll(".error").forEach(function (p) { p.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (td) { td.classList.remove("has-error"); });
    body.appendChild(copy);
    renumberLabels(body);
    update();
    var first = copy.querySelector("input");
    if (first) first.focus();
  }

  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    var body = form.querySelector('[data-rows="' + button.getAttribute("data-add-row") + '"]');
    button.hidden = false;
    button.addEventListener("click", function () { addRow(body); });
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-row]");
    if (!button) return;
    var body = button.closest("[data-rows]");
    if (rows(body).length > 1) {
      button.closest("[data-row]").remove();
      renumberLabels(body);
    } else {
      button.closest("[data-row]").querySelectorAll("input").forEach(function (input) { input.value = ""; });
    }
    update();
  });

  var terms = form.querySelector("select[name$='payment_terms']");
  var equity = form.querySelector("[data-equity-fields]");
  var tax = form.querySelector("input[name$='tax_rate']");
  var estimate = form.querySelector("[data-quote-estimate]");

  function cents(value) { var n = parseFloat(value); return isFinite(n) ? Math.round(n * 100) : 0; }

  function update() {
    form.querySelectorAll("[data-remove-row]").forEach(function (button) { button.hidden = false; });
    if (terms && equity) equity.hidden = !/equity/.test(terms.value);
    if (!estimate) return;
    var subtotal = 0;
    form.querySelectorAll('[data-rows="lines"] [data-row]').forEach(function (row) {
      var qty = row.querySelector("[data-qty]"), price = row.querySelector("[data-price]");
      if (qty && price && qty.value && price.value) subtotal += Math.round(cents(qty.value) * cents(price.value) / 100);
    });
    var taxCents = Math.round(subtotal * (tax && tax.value ? parseFloat(tax.value) || 0 : 0) / 100);
    function show(c) { return (c / 100).toLocaleString(document.documentElement.lang, {minimumFractionDigits: 2, maximumFractionDigits: 2}); }
    estimate.textContent = estimate.getAttribute("data-template").replace("{subtotal}", show(subtotal))
      .replace("{tax}", show(taxCents)).replace("{total}", show(subtotal + taxCents));
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();

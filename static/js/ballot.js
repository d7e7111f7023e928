/* Wijkbudget ballot: keep "budget left" (or "points left") up to date while the voter chooses.
   Progressive enhancement only: without JavaScript the "Check my choice" step shows the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-ballot]");
  var meter = document.getElementById("budget-meter");
  if (!form || !meter) { return; }
  // Amounts as the server writes them (plumbing/formatting.py): € 1.234,50 in Dutch, €1,234.50 in
  // English; the server uses a plain space where Intl puts a no-break space.
  var currency = new Intl.NumberFormat(document.documentElement.lang || "nl", { style: "currency", currency: "EUR" });
  function money(amount) { return currency.format(amount).replace(/\u00a0/g, " "); }
  var budget = parseFloat(meter.getAttribute("data-budget"));
  var pointsTotal = parseInt(meter.getAttribute("data-points-total"), 10);
  var style = meter.getAttribute("data-style");

  function set(name, text) {
    var el = meter.querySelector('[data-meter="' + name + '"]');
    if (el) { el.textContent = text; }
  }

  function show(name, visible) {
    var el = meter.querySelector('[data-meter="' + name + '"]');
    if (el) { el.hidden = !visible; }
  }

  function update() {
    if (style === "points") {
      var given = 0;
      form.querySelectorAll("[data-ballot-points]").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (!isNaN(value) && value > 0) { given += value; }
      });
      set("points-left", String(pointsTotal - given));
      meter.classList.toggle("budget-meter--over", given > pointsTotal);
      return;
    }
    var total = 0;
    var count = 0;
    form.querySelectorAll("[data-ballot-choice]").forEach(function (box) {
      if (box.checked) { total += parseFloat(box.getAttribute("data-cost")); count += 1; }
    });
    set("total", money(total));
    // Never a negative budget left: over the budget, say how much too much was chosen.
    var excess = total > budget;
    set("left", money(excess ? 0 : budget - total));
    set("excess", money(excess ? total - budget : 0));
    show("left-line", !excess);
    show("excess-line", excess);
    set("count", String(count));
    var over = style === "knapsack" && total > budget;
    meter.classList.toggle("budget-meter--over", over);
    var warning = meter.querySelector('[data-meter="over"]');
    if (warning) { warning.hidden = !over; }
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();

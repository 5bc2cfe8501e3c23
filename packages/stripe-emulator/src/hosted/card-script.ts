// The little progressive JavaScript of the card forms: formats the number and expiry as typed and
// shows the same inline errors the server would, before a round trip. Without it, the server's
// validation (card-form.ts) still answers with the same messages; keep the two in step.
export const CARD_FORM_SCRIPT = `(function () {
  function digits(value) { return value.replace(/\\D/g, ""); }
  function amex(number) { return /^3[47]/.test(number); }
  function luhn(number) {
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var d = Number(number[number.length - 1 - i]);
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
      sum += d;
    }
    return sum % 10 === 0;
  }
  var checks = {
    email: function (v) {
      if (!v) return "Your email is incomplete.";
      return /^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/.test(v) ? "" : "Your email address is invalid.";
    },
    cardNumber: function (v) {
      var n = digits(v);
      if (n.length < (amex(n) ? 15 : 16)) return "Your card number is incomplete.";
      return luhn(n) ? "" : "Your card number is invalid.";
    },
    cardExpiry: function (v) {
      var d = digits(v);
      if (d.length !== 4 && d.length !== 6) return "Your card's expiration date is incomplete.";
      var month = Number(d.slice(0, 2));
      var year = d.length === 4 ? 2000 + Number(d.slice(2)) : Number(d.slice(2));
      var now = new Date();
      if (month < 1 || month > 12) return "Your card's expiration date is invalid.";
      if (year < now.getUTCFullYear()) return "Your card's expiration year is in the past.";
      if (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)
        return "Your card's expiration date is in the past.";
      return "";
    },
    cardCvc: function (v, form) {
      var number = form.elements.namedItem("cardNumber");
      var needed = number && amex(digits(number.value)) ? 4 : 3;
      return /^\\d+$/.test(v) && v.length >= needed ? "" : "Your card's security code is incomplete.";
    },
    billingName: function (v) { return v ? "" : "Required"; }
  };
  function check(form, input) {
    var message = checks[input.name](input.value.trim(), form);
    input.setAttribute("aria-invalid", message ? "true" : "false");
    var slot = document.getElementById(input.name + "-error");
    if (slot) slot.textContent = message;
    return !message;
  }
  function format(input, event) {
    if (event.inputType && event.inputType.indexOf("delete") === 0) return;
    var d = digits(input.value);
    if (input.name === "cardNumber") {
      d = d.slice(0, 19);
      input.value = amex(d)
        ? [d.slice(0, 4), d.slice(4, 10), d.slice(10, 15)].filter(Boolean).join(" ")
        : d.replace(/(\\d{4})(?=\\d)/g, "$1 ");
    } else if (input.name === "cardExpiry") {
      d = d.slice(0, 4);
      input.value = d.length > 2 ? d.slice(0, 2) + " / " + d.slice(2) : d;
    } else if (input.name === "cardCvc") {
      input.value = d.slice(0, 4);
    }
  }
  document.querySelectorAll("form[data-card-form]").forEach(function (form) {
    var inputs = Array.prototype.filter.call(form.querySelectorAll("input"), function (input) {
      return checks[input.name];
    });
    inputs.forEach(function (input) {
      input.addEventListener("input", function (event) { format(input, event); });
      input.addEventListener("blur", function () { if (input.value.trim()) check(form, input); });
    });
    form.addEventListener("submit", function (event) {
      var invalid = inputs.filter(function (input) { return !check(form, input); });
      if (invalid.length > 0) { event.preventDefault(); invalid[0].focus(); return; }
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-card-form] button[type=submit]").forEach(function (button) {
      button.disabled = false;
    });
  });
})();`;

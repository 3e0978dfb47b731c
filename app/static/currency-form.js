// The expense form's other currency: the fields for what was charged and the rate show only while
// another currency than the ledger's is chosen, and either one fills in the other, with the result
// shown before saving ("¥4,500 → €27.63 at 0.00614"). Exact decimal arithmetic on BigInt, rounded
// as app/money.py rounds (half to even; a worked-out rate to ten significant digits), never on
// floating-point numbers. The server works it all out again; without this script it still does.
"use strict";

(function () {
  const select = document.getElementById("currency");
  const fields = document.getElementById("foreign-fields");
  if (!select || !fields) {
    return;
  }
  const amount = document.getElementById("amount");
  const charged = document.getElementById("charged");
  const rate = document.getElementById("rate");
  const code = document.getElementById("amount-code");
  const preview = document.getElementById("conversion-preview");
  const ledger = select.dataset.ledger;
  const mark = fields.dataset.decimalMark || ".";
  const locale = fields.dataset.locale || "en-US";
  let lastRates = {};
  try {
    lastRates = JSON.parse(fields.dataset.lastRates || "{}");
  } catch (error) {
    lastRates = {};
  }
  const RATE_DIGITS = 10;
  const RATE_SHOWN_DIGITS = 6;
  // Which of the two was typed last: it gives the other.
  let driver = charged.value ? "charged" : "rate";

  function places(currency) {
    const option = Array.from(select.options).find(function (o) {
      return o.value === currency;
    });
    return option ? Number(option.dataset.places) : 2;
  }

  // "1.234,50" (decimal comma) or "1,234.50" into {digits: 123450n, scale: 2}; null if not a number.
  function parseAmount(text, decimalMark) {
    let plain = (text || "").trim().replace(/[\s'’\u00a0\u202f]/g, "");
    if (decimalMark === ",") {
      plain = /^[0-9]+\.[0-9]*$/.test(plain) && !/,/.test(plain) && plain.split(".")[1].length !== 3
        ? plain
        : plain.replace(/\./g, "").replace(",", ".");
    } else {
      plain = plain.replace(/,/g, "");
    }
    return parseDecimal(plain);
  }

  function parseDecimal(plain) {
    const match = /^([0-9]+)(?:\.([0-9]*))?$/.exec(plain);
    if (!match) {
      return null;
    }
    const fraction = match[2] || "";
    return { digits: BigInt(match[1] + fraction), scale: fraction.length };
  }

  // Rates are never grouped: either mark is the decimal mark.
  function parseRate(text) {
    const plain = (text || "").trim().replace(",", ".");
    return parseDecimal(plain.startsWith(".") ? "0" + plain : plain);
  }

  function pow10(n) {
    return 10n ** BigInt(n);
  }

  // value / divisor, rounded half to even.
  function divideHalfEven(value, divisor) {
    let quotient = value / divisor;
    const remainder = value % divisor;
    if (2n * remainder > divisor || (2n * remainder === divisor && quotient % 2n === 1n)) {
      quotient += 1n;
    }
    return quotient;
  }

  function atScale(number, scale) {
    if (number.scale <= scale) {
      return { digits: number.digits * pow10(scale - number.scale), scale: scale };
    }
    return { digits: divideHalfEven(number.digits, pow10(number.scale - scale)), scale: scale };
  }

  function significant(number, count) {
    const length = number.digits.toString().length;
    return length <= count ? number : atScale(number, number.scale - (length - count));
  }

  function plainText(number, decimalMark) {
    let text = number.digits.toString();
    if (number.scale <= 0) {
      return text + "0".repeat(-number.scale);
    }
    text = text.padStart(number.scale + 1, "0");
    return text.slice(0, -number.scale) + decimalMark + text.slice(-number.scale);
  }

  function rateText(number, decimalMark) {
    let text = plainText(number, decimalMark);
    if (number.scale > 0) {
      text = text.replace(/0+$/, "").replace(/[.,]$/, "");
    }
    return text;
  }

  function multiply(a, b) {
    return { digits: a.digits * b.digits, scale: a.scale + b.scale };
  }

  // numerator / denominator to RATE_DIGITS significant digits, half to even (money.rate_quotient).
  function quotient(numerator, denominator) {
    if (denominator.digits === 0n || numerator.digits === 0n) {
      return null;
    }
    const num = numerator.digits * pow10(denominator.scale);
    const den = denominator.digits * pow10(numerator.scale);
    function divided(shift) {
      const top = shift >= 0 ? num * pow10(shift) : num;
      const bottom = shift >= 0 ? den : den * pow10(-shift);
      return [top / bottom, top % bottom, bottom];
    }
    let shift = RATE_DIGITS - (num.toString().length - den.toString().length);
    let [whole, remainder, bottom] = divided(shift);
    if (whole.toString().length > RATE_DIGITS) {
      shift -= 1;
      [whole, remainder, bottom] = divided(shift);
    }
    if (2n * remainder > bottom || (2n * remainder === bottom && whole % 2n === 1n)) {
      whole += 1n;
    }
    return { digits: whole, scale: shift };
  }

  function formatMoney(number, currency) {
    try {
      const digits = places(currency);
      return new Intl.NumberFormat(locale, {
        style: "currency",
        currency: currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(plainText(number, "."));
    } catch (error) {
      return plainText(number, mark) + " " + currency;
    }
  }

  function show(original, result, usedRate) {
    preview.textContent = fields.dataset.pattern
      .replace("%(original)s", formatMoney(original, select.value))
      .replace("%(amount)s", formatMoney(result, ledger))
      .replace("%(rate)s", rateText(significant(usedRate, RATE_SHOWN_DIGITS), mark));
  }

  function same(a, b) {
    return a.digits === b.digits && a.scale === b.scale;
  }

  // Typing in one of the amount, the amount charged and the rate fills in the other of the last
  // two; a page just opened (an expense being edited) is only shown, never rewritten.
  function update(event) {
    const target = event ? event.target : null;
    if (target === charged) {
      driver = "charged";
    } else if (target === rate || target === amount) {
      driver = rate.value.trim() ? "rate" : "charged";
    }
    const writes = target === charged || target === rate || target === amount;
    const foreign = select.value !== ledger;
    fields.hidden = !foreign;
    code.textContent = select.value;
    const digits = places(select.value);
    const ledgerDigits = places(ledger);
    amount.placeholder = digits ? "0" + mark + "0".repeat(digits) : "0";
    rate.placeholder = lastRates[select.value] ? rateText(parseDecimal(lastRates[select.value]), mark) : "";
    preview.textContent = "";
    const typed = parseAmount(amount.value, mark);
    if (!foreign || !typed || typed.digits === 0n) {
      return;
    }
    const original = atScale(typed, digits);
    const typedCharged = parseAmount(charged.value, mark);
    const typedRate = parseRate(rate.value);
    const hasRate = typedRate && typedRate.digits > 0n;
    if (driver === "charged" && typedCharged && typedCharged.digits > 0n) {
      const result = atScale(typedCharged, ledgerDigits);
      // A rate typed beside the amount it gives is kept, as the server keeps it.
      if (hasRate && same(atScale(multiply(original, typedRate), ledgerDigits), result)) {
        show(original, result, typedRate);
        return;
      }
      const implied = quotient(result, original);
      if (implied) {
        if (writes) {
          rate.value = rateText(implied, mark);
        }
        show(original, result, implied);
      }
      return;
    }
    const usedRate = hasRate ? typedRate : lastRates[select.value] && parseDecimal(lastRates[select.value]);
    if (!usedRate) {
      return;
    }
    const result = atScale(multiply(original, usedRate), ledgerDigits);
    if (hasRate && writes) {
      charged.value = plainText(result, mark);
    }
    show(original, result, usedRate);
  }

  select.addEventListener("change", update);
  [amount, charged, rate].forEach(function (input) {
    input.addEventListener("input", update);
  });
  update();
})();

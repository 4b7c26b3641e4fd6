// Accessibility checks that run inside the page under test. Evaluating this
// file defines window.__browsertest; browsertest.go calls its functions.
window.__browsertest = (() => {
  // describe returns a short selector-like name of an element, with the
  // start of its text, for violation messages.
  const describe = (element) => {
    if (!element || element.nodeType !== Node.ELEMENT_NODE) {
      return String(element);
    }
    let name = element.tagName.toLowerCase();
    if (element.id) {
      name += "#" + element.id;
    }
    for (const cls of element.classList) {
      name += "." + cls;
    }
    for (const attribute of ["name", "type", "value", "href"]) {
      const value = element.getAttribute(attribute);
      if (value !== null && value.length <= 60) {
        name += "[" + attribute + "=" + JSON.stringify(value) + "]";
      }
    }
    const text = (element.textContent || "").replace(/\s+/g, " ").trim();
    if (text) {
      name += " " + JSON.stringify(text.length > 50 ? text.slice(0, 50) + "…" : text);
    }
    return name;
  };

  // rendered reports whether the element takes part in layout and is not
  // hidden by visibility or opacity.
  const rendered = (element) =>
    element.getClientRects().length > 0 &&
    element.checkVisibility({ visibilityProperty: true, opacityProperty: true });

  // Text in a box of at most 1x1 pixel follows the visually-hidden
  // pattern, so only screen readers present it.
  const visuallyHidden = (element) => {
    const box = element.getBoundingClientRect();
    return box.width <= 1 && box.height <= 1;
  };

  const controlSelector = "input:not([type=hidden]), select, textarea, button";
  const focusableSelector = "a[href], area[href], button, input:not([type=hidden]), " +
    "select, textarea, summary, iframe, [contenteditable=''], [contenteditable=true]";

  const textOf = (element) => (element.textContent || "").replace(/\s+/g, " ").trim();

  // accessibleName returns the name from the sources that the checks
  // accept: aria-labelledby, aria-label, a <label for> or wrapping label,
  // the text of a button, and the value of an input button.
  const accessibleName = (element) => {
    const labelledBy = element.getAttribute("aria-labelledby");
    if (labelledBy) {
      const text = labelledBy.split(/\s+/)
        .map((id) => document.getElementById(id))
        .filter((target) => target)
        .map(textOf)
        .join(" ")
        .trim();
      if (text) {
        return text;
      }
    }
    const label = (element.getAttribute("aria-label") || "").trim();
    if (label) {
      return label;
    }
    const labels = Array.from(element.labels || []).map(textOf).join(" ").trim();
    if (labels) {
      return labels;
    }
    if (element.tagName === "BUTTON") {
      return textOf(element);
    }
    if (element.tagName === "INPUT" && ["submit", "button", "reset"].includes(element.type)) {
      return (element.value || "").trim();
    }
    return "";
  };

  const names = () => {
    const violations = [];
    for (const element of document.querySelectorAll(controlSelector)) {
      if (rendered(element) && !accessibleName(element)) {
        violations.push({
          rule: "accessible-name",
          element: describe(element),
          detail: "no <label for>, aria-label, aria-labelledby, wrapping label or button text",
        });
      }
    }
    return violations;
  };

  const tabIndexes = () => {
    const violations = [];
    for (const element of document.querySelectorAll("[tabindex]")) {
      const value = parseInt(element.getAttribute("tabindex"), 10);
      if (value > 0) {
        violations.push({
          rule: "positive-tabindex",
          element: describe(element),
          detail: "tabindex=" + value + " changes the Tab order",
        });
      }
      if (value < 0 && element.matches(focusableSelector)) {
        violations.push({
          rule: "negative-tabindex",
          element: describe(element),
          detail: "tabindex=" + value + " removes a control from the Tab order",
        });
      }
    }
    return violations;
  };

  // parseColor reads the rgb() or rgba() form that getComputedStyle
  // returns. It returns null for other forms, such as "none" or a URL.
  const parseColor = (text) => {
    const match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(text || "");
    if (!match) {
      return null;
    }
    let alpha = 1;
    if (match[4] !== undefined) {
      alpha = match[4].endsWith("%") ? parseFloat(match[4]) / 100 : parseFloat(match[4]);
    }
    return { r: +match[1], g: +match[2], b: +match[3], a: alpha };
  };

  // over composites the colour top over the opaque colour bottom.
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });

  const formatColor = (c) =>
    "rgb(" + [c.r, c.g, c.b].map((v) => Math.round(v)).join(", ") + ")";

  // luminance is the WCAG 2.2 relative luminance of an sRGB colour.
  const luminance = (c) => {
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };

  const contrastRatio = (a, b) => {
    const la = luminance(a);
    const lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  };

  // background returns the opaque colour behind element: the background
  // colours of the element and its ancestors composited over a white
  // canvas. It returns null when an ancestor has a background image,
  // whose colours the check cannot know.
  const background = (element) => {
    const layers = [];
    for (let node = element; node && node.nodeType === Node.ELEMENT_NODE; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") {
        return null;
      }
      const color = parseColor(style.backgroundColor);
      if (color && color.a > 0) {
        layers.push(color);
        if (color.a >= 1) {
          break;
        }
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) {
      result = over(layers[i], result);
    }
    return result;
  };

  // checkContrast returns a violation when the text colour of element is
  // below the WCAG 2.2 AA minimum against its background, or null.
  // colorText is the computed foreground colour to use, and kind names the
  // text in the message.
  const checkContrast = (element, colorText, kind) => {
    const style = getComputedStyle(element);
    const foreground = parseColor(colorText);
    const back = background(element);
    if (!foreground || !back) {
      return null;
    }
    const blended = over(foreground, back);
    const ratio = contrastRatio(blended, back);
    const size = parseFloat(style.fontSize);
    const weight = parseInt(style.fontWeight, 10) || 400;
    // Large text is at least 18pt (24px), or 14pt (18.66px) and bold.
    const large = size >= 24 || (size >= 18.66 && weight >= 700);
    const minimum = large ? 3 : 4.5;
    if (ratio + 1e-9 >= minimum) {
      return null;
    }
    return {
      rule: "contrast",
      element: describe(element),
      detail: kind + " contrast " + ratio.toFixed(2) + ":1 is below " + minimum + ":1: " +
        formatColor(blended) + " on " + formatColor(back) + ", " + size + "px weight " + weight,
    };
  };

  const contrast = () => {
    const violations = [];
    const checked = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || checked.has(element) || !node.nodeValue.trim()) {
        continue;
      }
      checked.add(element);
      if (element.closest("option, script, style, noscript, template")) {
        continue;
      }
      if (!rendered(element) || visuallyHidden(element)) {
        continue;
      }
      // WCAG exempts the text of disabled controls.
      if (element.closest(":disabled")) {
        continue;
      }
      const color = element instanceof SVGElement ?
        getComputedStyle(element).fill : getComputedStyle(element).color;
      const violation = checkContrast(element, color, "text");
      if (violation) {
        violations.push(violation);
      }
    }
    // The selected option of a select and the placeholder of an empty
    // field have no text node of their own in the page.
    for (const element of document.querySelectorAll("select, input, textarea")) {
      if (!rendered(element) || element.disabled || element.type === "hidden") {
        continue;
      }
      if (element.tagName === "SELECT") {
        const violation = checkContrast(element, getComputedStyle(element).color, "selected option");
        if (violation) {
          violations.push(violation);
        }
      } else if (element.placeholder && !element.value) {
        const color = getComputedStyle(element, "::placeholder").color;
        const violation = checkContrast(element, color, "placeholder");
        if (violation) {
          violations.push(violation);
        }
      }
    }
    return violations;
  };

  // focusables lists the elements that sequential keyboard navigation must
  // reach: rendered, enabled links, buttons, form fields, summaries and
  // frames.
  const focusables = () =>
    Array.from(document.querySelectorAll(focusableSelector))
      .filter((element) => !element.disabled && !element.closest("[inert]") && rendered(element));

  return {
    describe,
    contrastRatio: (a, b) => contrastRatio(parseColor(a), parseColor(b)),
    audit: () => ({ names: names(), tabIndexes: tabIndexes(), contrast: contrast() }),
    startTabWalk: () => {
      window.__browsertestFocusables = focusables();
      if (document.activeElement && document.activeElement !== document.body) {
        document.activeElement.blur();
      }
      window.scrollTo(0, 0);
      return window.__browsertestFocusables.map(describe);
    },
    focused: () => {
      const active = document.activeElement;
      return {
        index: window.__browsertestFocusables.indexOf(active),
        body: !active || active === document.body || active === document.documentElement,
        element: describe(active),
      };
    },
  };
})();

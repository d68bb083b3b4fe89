/* tower-consent banner: enhances the plain HTML forms. ES2017, no dependencies. */
(() => {
  'use strict';
  const root = document.querySelector('.tc-consent');
  const banner = root && root.querySelector('#tc-banner');
  if (!banner) return;
  const $ = (s) => root.querySelector(s);
  const endpoint = root.getAttribute('data-tc-endpoint') || '/_consent';
  const reopen = $('#tc-reopen');
  // Opt-out and notice-only regions: a compact notice that blocks nothing, whose
  // "Do Not Sell or Share" goes through the same endpoint as every choice.
  const notice = $('#tc-notice');
  const noticeChoices = $('#tc-notice-choices');
  const reject = $('#tc-reject');
  const details = $('#tc-customize');
  const status = $('.tc-status');
  let previous = null;
  let clicked = null;
  let busy = false;
  let timer = 0;

  const open = () => {
    if (banner.hidden || !banner.contains(document.activeElement)) previous = document.activeElement;
    banner.hidden = false;
    banner.focus();
  };

  const close = () => {
    banner.hidden = true;
    if (details) details.open = false;
    const el = previous;
    previous = null;
    if (el && el !== document.body && el !== document.documentElement && el.isConnected &&
        !banner.contains(el) && typeof el.focus === 'function') {
      el.focus();
      if (document.activeElement === el) return;
    }
    if (reopen) reopen.focus();
  };

  // Shows the saved state; returns the granted keys.
  const apply = (data) => {
    const granted = [];
    let optional = false;
    (data && Array.isArray(data.categories) ? data.categories : []).forEach((c) => {
      if (!c || typeof c.key !== 'string') return;
      const on = Boolean(c.granted || c.required);
      const box = document.getElementById('tc-cat-' + c.key);
      if (box && box.type === 'checkbox') box.checked = on;
      if (on) granted.push(c.key);
      if (c.granted && !c.required) optional = true;
    });
    if (reject) {
      reject.value = optional ? 'withdraw' : 'reject_all';
      const text = reject.getAttribute(optional ? 'data-tc-withdraw' : 'data-tc-reject');
      if (text) reject.textContent = text;
    }
    return granted;
  };

  // Submits the old way; the endpoint answers with a redirect back.
  const submitPlain = (form, action) => {
    if (action) {
      const old = form.querySelector('input[data-tc-action]');
      if (old) old.parentNode.removeChild(old);
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'action';
      input.value = action;
      input.setAttribute('data-tc-action', '');
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  };

  // The categories granted when the page was served: what the server let through.
  const grantedAtLoad = () => Array.from(root.querySelectorAll('input[name="granted"]'))
    .filter((b) => b.checked).map((b) => b.value);
  let granted = grantedAtLoad();

  // Google Consent Mode: the gate's defaults carry the category of each consent type.
  const consentModeUpdate = (keys) => {
    const defaults = document.querySelector('script[data-tc-consent-mode]');
    if (!defaults || typeof window.gtag !== 'function') return;
    let mapping = null;
    try {
      mapping = JSON.parse(defaults.getAttribute('data-tc-consent-mode'));
    } catch (e) { return; }
    if (!mapping || typeof mapping !== 'object') return;
    const update = {};
    Object.keys(mapping).forEach((type) => {
      const key = mapping[type];
      update[type] = !key || keys.indexOf(key) >= 0 ? 'granted' : 'denied';
    });
    window.gtag('consent', 'update', update);
  };

  // Held-back elements of newly granted categories come alive in document order; a
  // script waits for the external script before it. Only what the HTML gate held back
  // in this page: elements that carry this response's token (given to this script as
  // data-tc-held), and of them only the attributes the gate moves (MOVED, and event
  // handlers). User content the page shows (data-consent-* attributes pass
  // sanitizers) stays inert: it cannot know the token, and on an element the gate held
  // back it renamed every data-consent-* it did not write.
  const token = (document.currentScript && document.currentScript.getAttribute('data-tc-held')) || '';
  const OWN = 'data-consent-';
  const MARK = 'data-consent-held';
  const MOVED = ['src', 'srcset', 'href', 'data', 'poster', 'srcdoc', 'imagesrcset', 'xlink-href', 'integrity', 'background', 'content', 'to', 'from', 'by', 'values', 'style', 'ping'];
  const HANDLER = /^on[a-z]+$/;
  const XLINK = 'http://www.w3.org/1999/xlink';
  // The moved attributes of el, restored onto target (el itself, or a script made anew).
  const restore = (el, target, skip) => {
    Array.from(el.attributes).forEach((a) => {
      if (a.name.indexOf(OWN) !== 0) return;
      const name = a.name.slice(OWN.length);
      if ((MOVED.indexOf(name) < 0 && !HANDLER.test(name)) || (skip && skip.indexOf(name) >= 0)) return;
      if (name === 'xlink-href') target.setAttributeNS(XLINK, 'xlink:href', a.value);
      else target.setAttribute(name, a.value);
      if (target === el) el.removeAttribute(a.name);
    });
  };
  const runScript = (old) => new Promise((done) => {
    const script = document.createElement('script');
    Array.from(old.attributes).forEach((a) => {
      if (a.name === 'type' || a.name.indexOf(OWN) === 0 || a.name === 'data-src' || a.name === 'data-type') return;
      script.setAttribute(a.name, a.value);
    });
    restore(old, script, ['src', 'href', 'xlink-href']);
    const type = old.getAttribute(OWN + 'type') || old.getAttribute('data-type');
    if (type) script.setAttribute('type', type);
    const src = old.getAttribute(OWN + 'src') || old.getAttribute(OWN + 'href') ||
      old.getAttribute(OWN + 'xlink-href') || old.getAttribute('data-src');
    if (src) {
      script.src = src;
      if (!script.async) {
        script.async = false;
        script.onload = script.onerror = () => done();
      }
    } else {
      script.text = old.text;
    }
    old.parentNode.replaceChild(script, old);
    if (!src || script.async) done();
  });
  // A style sheet applies again once inserted anew with its own type.
  const applyStyle = (old) => {
    const style = old.cloneNode(true);
    restore(old, style);
    Array.from(old.attributes).forEach((a) => {
      if (a.name.indexOf(OWN) === 0) style.removeAttribute(a.name);
    });
    const type = old.getAttribute(OWN + 'type');
    if (type) style.setAttribute('type', type);
    else style.removeAttribute('type');
    old.parentNode.replaceChild(style, old);
  };
  const plain = (el) => (el.getAttribute('type') || '').trim().toLowerCase() === 'text/plain';
  // An embed's placeholder stands right before it; both carry this response's token.
  const EMBED = 'data-tc-embed';
  const isHeld = (el) => Boolean(el && token && el.getAttribute(MARK) === token && el.hasAttribute('data-consent'));
  const placeholderOf = (el) => {
    const before = el.previousElementSibling;
    return before && before.getAttribute(EMBED) === token ? before : null;
  };
  // Brings one held-back element to life; a script runs after those before it (chain).
  const wake = (el, chain) => {
    el.removeAttribute(MARK);
    const placeholder = placeholderOf(el);
    if (placeholder) placeholder.parentNode.removeChild(placeholder);
    // Held back whole, a script or style sheet is text/plain; otherwise only its
    // event handlers or style attribute were.
    if (el.localName === 'script' && plain(el)) return chain.then(() => runScript(el));
    if (el.localName === 'style' && plain(el)) {
      applyStyle(el);
      return chain;
    }
    restore(el, el);
    const next = el.nextElementSibling;
    if (next && next.classList.contains('tc-placeholder')) next.parentNode.removeChild(next);
    const media = el.localName === 'source' ? el.parentElement : el;
    if (media && typeof media.load === 'function' && /^(VIDEO|AUDIO)$/.test(media.tagName)) media.load();
    return chain;
  };
  const activate = (keys) => {
    const fresh = keys.filter((k) => granted.indexOf(k) < 0);
    if (!fresh.length || !token) return;
    let chain = Promise.resolve();
    Array.from(document.querySelectorAll('[' + MARK + ']')).forEach((el) => {
      if (el.getAttribute(MARK) !== token) return;
      if (fresh.indexOf(el.getAttribute('data-consent')) < 0) return;
      chain = wake(el, chain);
    });
  };

  // Keys trackers keep in the browser's storage, by category (data-tc-storage: a list
  // of [pattern, 'l' | 's' | 'ls', category], the first match of a key deciding; * is
  // any run of characters). Those of refused categories are removed.
  const storageRules = (() => {
    let list = null;
    try {
      list = JSON.parse(root.getAttribute('data-tc-storage') || '[]');
    } catch (e) { return []; }
    if (!Array.isArray(list)) return [];
    return list.filter((r) => Array.isArray(r) && r.length === 3 && r.every((x) => typeof x === 'string'))
      .map(([pattern, areas, key]) => ({
        test: new RegExp('^' + pattern.split('*').map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&')).join('[\\s\\S]*') + '$'),
        areas,
        key,
      }));
  })();
  const sweep = (keys) => {
    if (!storageRules.length) return;
    [['l', 'localStorage'], ['s', 'sessionStorage']].forEach(([area, name]) => {
      let store = null;
      try {
        store = window[name];
      } catch (e) { return; } // storage disabled
      if (!store) return;
      const refused = [];
      for (let i = 0; i < store.length; i += 1) {
        const key = store.key(i);
        if (key === null) continue;
        const rule = storageRules.find((r) => r.areas.indexOf(area) >= 0 && r.test.test(key));
        if (rule && keys.indexOf(rule.key) < 0) refused.push(key);
      }
      refused.forEach((key) => store.removeItem(key));
    });
  };

  // Records a choice through the endpoint, as the banner's forms do, then shows and
  // applies it. False when it could not be sent (the caller falls back), null when it
  // was busy or reloads.
  const record = async (body) => {
    if (busy) return null;
    busy = true;
    let response = null;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) { /* network error */ }
    busy = false;
    if (!response || !response.ok) return false;
    let data;
    try {
      data = await response.json();
    } catch (e) {
      window.location.reload(); // saved, but the answer is unreadable
      return null;
    }
    const keys = apply(data);
    const withdrawn = granted.some((k) => keys.indexOf(k) < 0);
    consentModeUpdate(keys);
    activate(keys);
    sweep(keys);
    granted = keys;
    if (status) {
      const saved = status.getAttribute('data-tc-saved') || '';
      const reload = withdrawn ? status.getAttribute('data-tc-reload') || '' : '';
      status.textContent = reload ? saved + ' ' + reload : saved;
      clearTimeout(timer);
      if (!reload) timer = setTimeout(() => { status.textContent = ''; }, 6000);
    }
    banner.hidden = true;
    if (notice) notice.hidden = true;
    if (details) details.open = false;
    document.dispatchEvent(new CustomEvent('consent:change', { detail: { granted: keys } }));
    return keys;
  };

  // The placeholders of held-back embeds offer their two actions: load that one
  // element (nothing recorded), or allow its category (a choice, recorded as the
  // banner's, which brings every element of the category to life).
  const embeds = () => Array.from(document.querySelectorAll('[' + EMBED + ']'))
    .filter((p) => p.getAttribute(EMBED) === token && isHeld(p.nextElementSibling));
  embeds().forEach((p) => {
    p.querySelectorAll('button[data-tc-embed-load], button[data-tc-embed-allow]').forEach((b) => { b.hidden = false; });
  });
  document.addEventListener('click', async (event) => {
    const t = event.target;
    const button = t instanceof Element && t.closest('button[data-tc-embed-load], button[data-tc-embed-allow]');
    const placeholder = button && button.closest('[' + EMBED + ']');
    if (!placeholder || placeholder.getAttribute(EMBED) !== token) return;
    const el = placeholder.nextElementSibling;
    if (!isHeld(el)) return;
    event.preventDefault();
    const focus = placeholder.contains(document.activeElement);
    if (button.hasAttribute('data-tc-embed-load')) {
      wake(el, Promise.resolve());
    } else {
      const key = el.getAttribute('data-consent');
      const keys = granted.indexOf(key) < 0 ? granted.concat([key]) : granted;
      const recorded = await record({ action: 'custom', granted: keys, source: 'banner' });
      if (recorded === false) {
        const settings = placeholder.querySelector('a[href]');
        if (settings) window.location.assign(settings.href);
        return;
      }
      if (!recorded) return;
    }
    if (focus && el.isConnected && typeof el.focus === 'function') el.focus();
  });

  const onClick = (event) => {
    const t = event.target;
    const button = t instanceof Element && t.closest('button[type="submit"]');
    if (button) clicked = button;
  };

  const onSubmit = async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    let action = null;
    let body;
    if (form.classList.contains('tc-choices')) {
      const boxes = Array.from(form.querySelectorAll('input[name="granted"]'));
      body = { action: 'custom', granted: boxes.filter((b) => b.checked && !b.disabled).map((b) => b.value), source: 'banner' };
    } else {
      let submitter = event.submitter;
      if (!submitter && clicked && form.contains(clicked)) submitter = clicked;
      // Button unknown: let the browser submit natively, with the button's value.
      if (!submitter || !submitter.value) return;
      action = submitter.value;
      body = { action, source: 'banner' };
    }
    event.preventDefault();
    const recorded = await record(body);
    if (recorded === false) submitPlain(form, action);
    else if (recorded) close();
  };
  (notice ? [banner, notice] : [banner]).forEach((surface) => {
    surface.addEventListener('click', onClick);
    surface.addEventListener('submit', onSubmit);
  });

  // Escape closes without recording anything: silence is refusal.
  banner.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !banner.hidden) close();
  });

  [reopen, noticeChoices].forEach((link) => {
    if (!link) return;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      open();
    });
  });

  sweep(granted);
  if (!banner.hidden) open();
})();

// The assessment form's help while typing (loaded on every page, active where a form has
// blocks that save themselves): evidence saved while typing (debounced), a warning before
// leaving with text not saved yet, one status for the whole page ("Enregistré à 14 h 32",
// or the fields not saved with links to them), the stored values the server sends back put
// into the form, and "sans objet" asking for its justification before it is saved.
// Without JavaScript the section form is posted whole and says so (see section.html).
(() => {
  'use strict';

  const DEBOUNCE_MS = 1200;
  const blocks = () => document.querySelectorAll('.answer[data-hx-post]');
  /** Per block: input typed since its last request was sent, and its last answer. */
  const state = new WeakMap();
  const of = (block) => {
    if (!state.has(block)) state.set(block, { typed: 0, sent: 0, timer: 0, refused: false });
    return state.get(block);
  };
  let savedAt = null;

  const status = () => document.getElementById('page-status');

  function clock(date) {
    const lang = document.documentElement.lang || 'fr';
    const h = date.getHours();
    const m = String(date.getMinutes()).padStart(2, '0');
    return lang === 'fr' ? `${h} h ${m}` : `${h}:${m}`;
  }

  /** The label a reader sees for the field whose message slot is `slot`. */
  function fieldLabel(slot) {
    const id = slot.id.replace(/-error$/, '');
    const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
    if (label) return label.textContent.trim();
    const group = document.getElementById(id);
    const legend = group && group.querySelector('legend');
    return legend ? legend.textContent.trim() : id;
  }

  function codeOf(block) {
    const code = block.querySelector('.code');
    return code ? code.textContent.trim() : block.id;
  }

  /** Rewrites the page status from what the form shows now. */
  function refreshStatus() {
    const box = status();
    if (!box) return;
    const unsaved = [];
    for (const block of blocks()) {
      const code = codeOf(block);
      for (const slot of block.querySelectorAll('.field-error')) {
        if (slot.textContent.trim() && !slot.classList.contains('field-hint')) {
          unsaved.push({ code, label: fieldLabel(slot), href: `#${slot.id.replace(/-error$/, '')}` });
        }
      }
      const held = block.querySelector('input[name$=".held"]');
      if (held && held.value.trim()) {
        for (const field of held.value.trim().split(/\s+/)) {
          const slot = document.getElementById(`${code}-${field}-error`);
          unsaved.push({ code, label: slot ? fieldLabel(slot) : field, href: `#${code}-state` });
        }
      }
    }
    const pending = [...blocks()].some((b) => of(b).typed !== of(b).sent);
    box.replaceChildren();
    const lead = document.createElement('span');
    if (pending) lead.textContent = box.dataset.pending;
    else if (savedAt) lead.textContent = box.dataset.saved.replace('%time%', clock(savedAt));
    else lead.textContent = box.dataset.idle;
    box.append(lead);
    if (unsaved.length) {
      box.classList.add('has-unsaved');
      const head = document.createElement('strong');
      head.textContent = ` ${(unsaved.length === 1 ? box.dataset.unsavedOne : box.dataset.unsavedMany).replace('%n%', unsaved.length)} `;
      box.append(head);
      unsaved.forEach((u, i) => {
        if (i) box.append(' ; ');
        const link = document.createElement('a');
        link.href = u.href;
        link.textContent = `${u.code}, ${u.label}`;
        box.append(link);
      });
    } else {
      box.classList.remove('has-unsaved');
    }
  }

  function sendLater(block) {
    const s = of(block);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => window.htmx && window.htmx.trigger(block, 'autosave'), DEBOUNCE_MS);
  }

  /** Puts the values the server sent back (fields stored by someone else, or taken from what
   * is stored) into the form, as its new saved state. */
  function applyRefresh(root) {
    for (const holder of root.querySelectorAll('.refresh[data-values]')) {
      const text = holder.dataset.values;
      if (!text) continue;
      holder.dataset.values = '';
      const code = holder.id.replace(/-refresh$/, '');
      let values;
      try {
        values = JSON.parse(text);
      } catch {
        continue;
      }
      for (const [field, value] of Object.entries(values)) {
        for (const control of document.getElementsByName(`${code}.${field}`)) {
          if (control.type === 'radio') {
            control.checked = control.value === value;
            control.defaultChecked = control.checked;
          } else if (control.tagName === 'SELECT') {
            control.value = value;
            for (const option of control.options) option.defaultSelected = option.selected;
          } else {
            control.value = value;
            control.defaultValue = value;
          }
        }
      }
    }
  }

  /** "Sans objet" is stored with its justification: choosing it asks for the text first. */
  function askJustification(event) {
    const radio = event.target;
    if (!(radio instanceof HTMLInputElement)) return;
    const na = radio.type === 'radio'
      ? radio.value === 'na'
      : Boolean(radio.dataset.levels) && /^(na|n\/a|n\.a\.|so|s\.o\.|sans objet)$/i.test(radio.value.trim());
    if (!na) return;
    const block = radio.closest('.answer[data-hx-post]');
    const code = block && codeOf(block);
    const text = code && document.getElementById(`${code}-justification`);
    if (!text || text.value.trim()) return;
    event.stopPropagation();
    const slot = document.getElementById(`${code}-justification-error`);
    if (slot) {
      slot.textContent = status()?.dataset.naFirst || '';
      slot.classList.add('field-hint');
    }
  }

  function leaveJustification(event) {
    const text = event.target;
    if (!(text instanceof HTMLTextAreaElement) || !text.id.endsWith('-justification')) return;
    const slot = document.getElementById(`${text.id}-error`);
    if (slot && slot.classList.contains('field-hint')) {
      slot.classList.remove('field-hint');
      // Leaving it empty with "sans objet" chosen: the server says what is missing.
      const block = text.closest('.answer[data-hx-post]');
      if (block && !text.value.trim()) window.htmx && window.htmx.trigger(block, 'autosave');
    }
  }

  /** In a section's table, the descriptor of the level typed in a row. */
  function describeLevel(event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.levels) return;
    const slot = document.getElementById(input.id.replace(/-level$/, '-descriptor'));
    if (!slot) return;
    let levels;
    try {
      levels = JSON.parse(input.dataset.levels);
    } catch {
      return;
    }
    const typed = input.value.trim();
    slot.textContent = /^[0-4]$/.test(typed) ? `${typed} · ${levels[Number(typed)]}` : input.dataset.hint || '';
  }

  document.addEventListener('focusin', describeLevel);
  document.addEventListener('input', describeLevel);
  document.addEventListener('change', askJustification, true);
  document.addEventListener('focusout', leaveJustification);

  document.addEventListener('input', (event) => {
    const field = event.target;
    const block = field.closest && field.closest('.answer[data-hx-post]');
    if (!block) return;
    of(block).typed += 1;
    if (field.matches('textarea, input[type="text"]')) sendLater(block);
    refreshStatus();
  });

  document.addEventListener('htmx:beforeRequest', (event) => {
    const block = event.detail.elt.closest && event.detail.elt.closest('.answer');
    if (!block) return;
    const s = of(block);
    clearTimeout(s.timer);
    s.sentWith = s.typed;
  });

  document.addEventListener('htmx:afterRequest', (event) => {
    const block = event.detail.elt.closest && event.detail.elt.closest('.answer');
    if (!block) return;
    const s = of(block);
    const xhr = event.detail.xhr;
    if (xhr && xhr.status) {
      s.sent = s.sentWith;
      s.refused = xhr.status !== 200;
      if (xhr.status === 200) savedAt = new Date();
    }
    refreshStatus();
  });

  document.addEventListener('htmx:afterSettle', () => {
    applyRefresh(document);
    refreshStatus();
  });

  window.addEventListener('beforeunload', (event) => {
    const unsaved = [...blocks()].some((b) => of(b).typed !== of(b).sent || of(b).refused);
    if (unsaved) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  /** Keeps the focused field clear of the sticky bar at the bottom of the page: browsers
   * scroll a focused element into view only when it is wholly hidden. */
  document.addEventListener('focusin', (event) => {
    const bar = document.querySelector('.sticky-actions');
    const field = event.target;
    if (!bar || !(field instanceof HTMLElement) || bar.contains(field)) return;
    // Only what comes before the bar can slide under it.
    if (!(bar.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_PRECEDING)) return;
    const shown = (field.labels && field.labels[0] && field.type === 'radio') ? field.labels[0] : field;
    const box = shown.getBoundingClientRect();
    const limit = bar.getBoundingClientRect().top - 8;
    if (box.bottom > limit) {
      const room = limit - 8;
      window.scrollBy({ top: box.height > room ? box.top - 8 : box.bottom - limit, behavior: 'instant' });
    }
  });

  // A long request (publication) says it is under way and cannot be sent twice.
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.busy) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = '1';
    const note = form.parentElement.querySelector('.busy');
    if (note) {
      note.hidden = false;
      note.textContent = form.dataset.busy;
      const bar = document.createElement('progress');
      note.append(document.createElement('br'), bar);
    }
    for (const button of form.querySelectorAll('button')) button.setAttribute('aria-disabled', 'true');
  });

  document.addEventListener('DOMContentLoaded', () => {
    const box = status();
    if (box) {
      box.hidden = false;
      const fallback = document.getElementById('no-script-hint');
      if (fallback) fallback.hidden = true;
      refreshStatus();
    }
  });
})();

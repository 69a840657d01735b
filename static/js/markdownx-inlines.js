/*
 * Markdown editors (django-markdownx) in admin inline rows added with "Add another".
 *
 * markdownx.js starts an editor for each `.markdownx` element once, when the page has loaded,
 * and marks each textarea it started with `data-markdownx-init`. It makes nothing global but a
 * `docReady` helper: the MarkdownX class stays inside its browserify bundle. So a row Django adds
 * later is never started, and worse, the row is a copy of the hidden `__prefix__` template row,
 * so it carries the template's `data-markdownx-init` mark without any of its event handlers.
 *
 * What this script does, with markdownx's own code and no copy of it:
 * 1. Before markdownx starts its editors, it marks the textareas of the template rows as started,
 *    so markdownx leaves them alone (no preview request for a hidden row). It does this when the
 *    document becomes "interactive", which browsers announce before DOMContentLoaded, the event
 *    markdownx waits for; it holds whatever order the two scripts are loaded in.
 * 2. On Django's `formset:added` event (dispatched on the new row, bubbling to the document), it
 *    removes the mark from the new row's textareas and runs markdownx.js once more: a new
 *    <script> with the same address as the one on the page. Each run of that file starts every
 *    editor not yet marked, which is now only the new row's; the others keep their mark. This
 *    relies on nothing but that start-up rule, works for markdownx.js and markdownx.min.js
 *    alike, and the browser has the file in its cache.
 */
"use strict";
{
    const STARTED = "data-markdownx-init";
    const TEMPLATE_ROW = ".empty-form";

    const isTemplate = (editor) =>
        editor.closest(TEMPLATE_ROW) !== null || (editor.name || "").includes("__prefix__");

    const editorsIn = (root) => Array.from(root.querySelectorAll(".markdownx .markdownx-editor"));

    function keepTemplatesIdle() {
        for (const editor of editorsIn(document)) {
            if (isTemplate(editor)) {
                editor.setAttribute(STARTED, "");
            }
        }
    }

    function runMarkdownx() {
        const loaded = document.querySelector('script[src*="markdownx/js/markdownx"]');
        if (!loaded) {
            console.error("markdownx-inlines.js: markdownx.js is not on this page.");
            return;
        }
        const script = document.createElement("script");
        script.src = loaded.src;
        script.addEventListener("load", () => script.remove());
        document.head.appendChild(script);
    }

    if (document.readyState === "loading") {
        document.addEventListener("readystatechange", keepTemplatesIdle, {once: true});
    } else {
        keepTemplatesIdle();
    }

    document.addEventListener("formset:added", (event) => {
        const editors = editorsIn(event.target).filter((editor) => !isTemplate(editor));
        if (editors.length === 0) {
            return;
        }
        for (const editor of editors) {
            editor.removeAttribute(STARTED);
        }
        runMarkdownx();
    });
}

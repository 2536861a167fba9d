// Messages at the corner of the page: info and warnings fade, errors stay until dismissed and
// are announced; a message may carry one action (such as Undo).

const toasts = document.getElementById("toasts");

export function toast(message, { kind = "info", action = null, timeout = 6000 } = {}) {
  const box = document.createElement("div");
  box.className = `toast toast-${kind}`;
  const text = document.createElement("span");
  text.textContent = message;
  box.append(text);
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    button.addEventListener("click", () => {
      box.remove();
      action.run();
    });
    box.append(" ", button);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "link-button";
  close.setAttribute("aria-label", "Dismiss message");
  close.textContent = "✕";
  close.addEventListener("click", () => box.remove());
  box.append(" ", close);
  if (kind === "error") box.setAttribute("role", "alert");
  toasts.append(box);
  if (timeout && kind !== "error") setTimeout(() => box.remove(), timeout);
  return box;
}

/**
 * Shows the link table's Copy buttons (hidden without JavaScript, where the addresses stay
 * plain text to select) and copies an address on click. The result is announced in the
 * table's live region (`.copy-status`, role=status), and the address copied last has a
 * visible "Copied" beside its button (hidden from screen readers, who hear the announcement).
 */

export function enableCopyButtons(root: ParentNode): void {
	const status = root.querySelector<HTMLElement>('.copy-status');
	for (const button of root.querySelectorAll<HTMLButtonElement>('button.copy-address')) {
		button.hidden = false;
		button.addEventListener('click', async () => {
			const address = button.dataset['address'] ?? '';
			try {
				await navigator.clipboard.writeText(address);
				if (status) status.textContent = `Copied ${address}`;
				showCopied(button);
			} catch {
				if (status) status.textContent = `Could not copy; select the address and copy it yourself: ${address}`;
			}
		});
	}
}

function showCopied(button: HTMLButtonElement): void {
	for (const mark of document.querySelectorAll('.copied-mark')) mark.remove();
	const mark = document.createElement('span');
	mark.className = 'copied-mark';
	mark.setAttribute('aria-hidden', 'true');
	mark.textContent = 'Copied';
	button.after(mark);
}

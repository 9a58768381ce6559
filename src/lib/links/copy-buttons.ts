/**
 * Shows the link table's Copy buttons (hidden without JavaScript, where the addresses stay
 * plain text to select) and copies an address on click, announcing the result.
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
			} catch {
				if (status) status.textContent = `Could not copy; select the address and copy it yourself: ${address}`;
			}
		});
	}
}

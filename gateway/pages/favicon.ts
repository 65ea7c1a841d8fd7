/**
 * The hub's icon: a dark red seal with 衔 (衔接, the link between the two laws), as SVG. Served at
 * /favicon.ico too, where browsers ask for it before any page names it; they accept SVG there.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#8b0000"/><text x="16" y="23" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">衔</text></svg>`;

export const FAVICON_LINK = '<link rel="icon" type="image/svg+xml" href="/favicon.ico">';

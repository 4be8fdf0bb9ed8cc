// Where the developer guide lives: the checks of 0-1, 0-9 and 0-12 read its pages.
export const GUIDE = 'docs/developer-guide';

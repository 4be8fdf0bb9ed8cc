// Every page of the console, in the navigation's order; the first is the default route.
import type { Page } from '../lib/page.ts';
import { overviewPage } from './overview.ts';
import { dashboardsPage } from './dashboards.ts';
import { tracesPage } from './traces.ts';
import { explorePage } from './explore.ts';
import { reportPage } from './report.ts';

export const PAGES: Page[] = [overviewPage, dashboardsPage, tracesPage, explorePage, reportPage];

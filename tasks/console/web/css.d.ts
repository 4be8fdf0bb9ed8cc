// esbuild bundles the stylesheets the browser code imports (tasks/console/bundle.ts).
declare module '*.css';

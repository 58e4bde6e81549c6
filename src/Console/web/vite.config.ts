import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The host serves the built files (dist/, copied to the host's wwwroot by the .NET build). `npm run dev` proxies the API and the
// hub to a host started with `dotnet run --project src/Console`.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Pages are split per route (React.lazy); ECharts only loads with the supervisor dashboard.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:5080',
      '/hubs': { target: 'http://localhost:5080', ws: true },
    },
  },
});

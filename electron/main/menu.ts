import type { MenuItemOptions, MenuModule } from './electron-types.js';

/** Only Electron's standard roles: quit, edit shortcuts, zoom and reload, window handling. */
export function installMenu(Menu: MenuModule, platform: NodeJS.Platform = process.platform): void {
  const template: MenuItemOptions[] = [
    ...(platform === 'darwin' ? [{ role: 'appMenu' }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

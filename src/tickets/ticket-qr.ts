import QRCode from 'qrcode';

// Level M survives a smudged or creased printout (15 % of the modules) at a modest size.
const ERROR_CORRECTION = 'M';

/** The ticket code as a QR code in SVG, scalable for screens and print. */
export function ticketQrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', errorCorrectionLevel: ERROR_CORRECTION, margin: 2 });
}

/** The QR code's modules, row by row (true = dark), for drawing it into a PDF as vectors. */
export function ticketQrModules(code: string): boolean[][] {
  const { modules } = QRCode.create(code, { errorCorrectionLevel: ERROR_CORRECTION });
  const rows: boolean[][] = [];
  for (let row = 0; row < modules.size; row++) {
    const cells: boolean[] = [];
    for (let col = 0; col < modules.size; col++) cells.push(modules.get(row, col) === 1);
    rows.push(cells);
  }
  return rows;
}

/** A plain SVG line chart for benchmark results: no dependencies, readable on a light or dark page. */

interface Series {
	name: string;
	/** [x, y] in data units, x ascending. */
	points: Array<[number, number]>;
	color: string;
	dashed?: boolean;
}

export interface LineChart {
	title: string;
	subtitle: string;
	xLabel: string;
	yLabel: string;
	series: Series[];
	/** How a y value is written next to its point. */
	formatY: (y: number) => string;
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 250, top: 70, bottom: 60 };
/** Least vertical distance between two value labels at the same x. */
const LABEL_GAP = 14;

const escape = (text: string) =>
	text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Moves labels (sorted by y, in pixels) apart so that none overlaps the one above it. */
function spread(labels: Array<{ y: number }>): void {
	labels.sort((a, b) => a.y - b.y);
	for (let index = 1; index < labels.length; index++)
		labels[index].y = Math.max(labels[index].y, labels[index - 1].y + LABEL_GAP);
}

/** Round tick steps (1, 2 or 5 times a power of ten), about five of them. */
function ticks(max: number): number[] {
	const rough = max / 5;
	const power = 10 ** Math.floor(Math.log10(rough));
	const step =
		[1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? rough;
	return Array.from({ length: Math.floor(max / step) + 1 }, (_, index) =>
		Number((index * step).toPrecision(12)),
	);
}

export function renderLineChart(chart: LineChart): string {
	const xs = chart.series.flatMap((series) => series.points.map(([x]) => x));
	const ys = chart.series.flatMap((series) => series.points.map(([, y]) => y));
	const xMax = Math.max(...xs) * 1.05;
	const yTicks = ticks(Math.max(...ys) * 1.1);
	const yMax = yTicks[yTicks.length - 1] * 1.05;
	const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
	const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
	const px = (x: number) => MARGIN.left + (x / xMax) * plotWidth;
	const py = (y: number) => MARGIN.top + plotHeight - (y / yMax) * plotHeight;
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
		`<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
		`<text x="${MARGIN.left}" y="28" font-size="16" font-weight="bold" fill="#222">${escape(chart.title)}</text>`,
		`<text x="${MARGIN.left}" y="48" fill="#555">${escape(chart.subtitle)}</text>`,
	];
	for (const tick of yTicks) {
		out.push(
			`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${py(tick)}" y2="${py(tick)}" stroke="#e4e4e4"/>`,
		);
		out.push(
			`<text x="${MARGIN.left - 8}" y="${py(tick) + 4}" text-anchor="end" fill="#555">${tick}</text>`,
		);
	}
	for (const x of [...new Set(xs)]) {
		out.push(
			`<line x1="${px(x)}" x2="${px(x)}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 5}" stroke="#555"/>`,
		);
		out.push(
			`<text x="${px(x)}" y="${MARGIN.top + plotHeight + 20}" text-anchor="middle" fill="#555">${x}</text>`,
		);
	}
	out.push(
		`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight}" stroke="#555"/>`,
	);
	out.push(
		`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#555"/>`,
	);
	out.push(
		`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 15}" text-anchor="middle" fill="#222">${escape(chart.xLabel)}</text>`,
	);
	out.push(
		`<text transform="translate(20 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#222">${escape(chart.yLabel)}</text>`,
	);
	// Value labels left of the first points and right of the others, away from the lines.
	const xMin = Math.min(...xs);
	const labels: Array<{ x: number; y: number; text: string; color: string; anchor: string }> = [];
	chart.series.forEach((series, index) => {
		const points = series.points
			.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`)
			.join(' ');
		const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
		out.push(
			`<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2.5"${dash}/>`,
		);
		for (const [x, y] of series.points) {
			out.push(
				`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="4" fill="${series.color}"/>`,
			);
			const left = x === xMin;
			labels.push({
				x: px(x) + (left ? -8 : 8),
				y: py(y) + 4,
				text: chart.formatY(y),
				color: series.color,
				anchor: left ? 'end' : 'start',
			});
		}
		const legendY = MARGIN.top + 10 + index * 22;
		const legendX = MARGIN.left + plotWidth + 20;
		out.push(
			`<line x1="${legendX}" x2="${legendX + 24}" y1="${legendY}" y2="${legendY}" stroke="${series.color}" stroke-width="2.5"${dash}/>`,
		);
		out.push(
			`<text x="${legendX + 32}" y="${legendY + 4}" fill="#222">${escape(series.name)}</text>`,
		);
	});
	for (const x of new Set(labels.map((label) => label.x)))
		spread(labels.filter((label) => label.x === x));
	for (const label of labels) {
		out.push(
			`<text x="${label.x.toFixed(1)}" y="${label.y.toFixed(1)}" text-anchor="${label.anchor}" fill="${label.color}">${escape(label.text)}</text>`,
		);
	}
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}

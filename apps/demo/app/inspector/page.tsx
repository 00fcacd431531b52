import { InspectorView } from '../../components/inspector-view';

export const metadata = { title: 'Inspector · Kuiper demo' };

export default function InspectorPage() {
  return <InspectorView />;
}

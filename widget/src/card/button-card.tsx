/** @jsx figma.widget.h */
/**
 * A runbook button as widget components: a pure function of its view model, like the run card.
 * Run is the one primary action; Update appears only when the template has a newer revision.
 */
import type { ButtonView } from './button-model.ts'
import { Button, FONT } from './run-card.tsx'
import type {} from './widget-jsx.ts'

const { AutoLayout, Text } = figma.widget

export interface ButtonCardButtons {
  onRun: () => Promise<void>
  onUpdate: () => Promise<void>
}

export function ButtonCard(props: { view: ButtonView; buttons: ButtonCardButtons }) {
  const { view, buttons } = props
  return (
    <AutoLayout
      name="runbook button"
      direction="vertical"
      width={360}
      padding={16}
      spacing={8}
      fill="#FFFFFF"
      stroke="#0D99FF"
      strokeWidth={2}
      cornerRadius={12}
    >
      <Text name="kind" fontFamily={FONT} fontSize={11} fontWeight={600} fill="#0B6FB8">
        Runbook button
      </Text>
      <Text name="label" fontFamily={FONT} fontSize={16} fontWeight={700} fill="#1E1E1E" width="fill-parent">
        {view.label}
      </Text>
      <Text name="meta" fontFamily={FONT} fontSize={12} fill="#666666" width="fill-parent">
        {view.meta}
      </Text>
      {view.secrets ? (
        <Text name="secrets" fontFamily={FONT} fontSize={11} fill="#666666" width="fill-parent">
          {view.secrets}
        </Text>
      ) : null}
      {view.changed ? (
        <Text name="changed" fontFamily={FONT} fontSize={12} fill="#8A5300" width="fill-parent">
          {view.changed}
        </Text>
      ) : null}
      <AutoLayout name="last run" width="fill-parent" spacing={8} verticalAlignItems="center">
        {view.lastRun ? (
          <AutoLayout name="status" fill={view.lastRun.badge.fill} cornerRadius={10} padding={{ horizontal: 8, vertical: 3 }}>
            <Text fontFamily={FONT} fontSize={11} fontWeight={700} fill={view.lastRun.badge.text}>
              {view.lastRun.badge.label}
            </Text>
          </AutoLayout>
        ) : null}
        <Text fontFamily={FONT} fontSize={12} fill="#333333" width="fill-parent">
          {view.lastRun ? view.lastRun.text : 'Not run yet'}
        </Text>
      </AutoLayout>
      <AutoLayout name="actions" spacing={6} width="fill-parent">
        <Button label="Run" look="primary" onClick={buttons.onRun} />
        {view.changed ? <Button label="Update to the new revision" onClick={buttons.onUpdate} /> : null}
      </AutoLayout>
      <Text name="rule" fontFamily={FONT} fontSize={11} fill="#8C8C8C" width="fill-parent">
        {view.rule}
      </Text>
      {view.live ? (
        <Text name="live" fontFamily={FONT} fontSize={11} fontWeight={600} fill="#0F7B3F" width="fill-parent">
          {view.live}
        </Text>
      ) : null}
    </AutoLayout>
  )
}
